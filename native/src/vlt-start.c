// SPDX-License-Identifier: BSD-3-Clause
/* vlt-start: runs a command so that its log starts with its execve, like strace's.
 *
 * Usage: vlt-start [--keep-fds=FD,...] COMMAND [ARG...], with fd 3 a pipe from vltrace-record.
 * It closes the descriptors above 3 that are not in the keep list (the ones vltrace-record
 * inherited itself): the recorder loads its BPF object while this starts, and a library it uses
 * may open a file without close-on-exec in that window (libbpf's read of the kernel's BTF does),
 * which the command must not inherit. It finds the program first (PATH search, as strace does,
 * so the log shows one execve), then blocks on fd 3 until the recorder has attached and put this
 * pid in its traced set as "armed", then execs. The BPF program starts tracing this process at
 * that execve: nothing of vlt-start's own is in the log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#define GO_FD 3

static int executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* execvp's search, done before the go so that failed attempts are not in the log */
static const char *find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/'))
		return name;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		int n = snprintf(buf, size, "%.*s%s%s", (int)(end - path), path, end == path ? "" : "/", name);

		if (n > 0 && (size_t)n < size && executable(buf))
			return buf;
		path = *end ? end + 1 : end;
	}
	return NULL;
}

/* whether fd is in "FD,FD,..." */
static int listed(const char *list, int fd)
{
	while (*list) {
		char *end;
		long n = strtol(list, &end, 10);

		if (end == list)
			return 0;
		if (n == fd)
			return 1;
		list = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* closes every descriptor above GO_FD not in keep: /proc/self/fd lists them (the directory's
 * own descriptor is skipped; closing the others does not disturb the listing) */
static void close_unlisted(const char *keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;	/* no /proc: nothing can be told apart, keep all as exec would */
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || fd <= GO_FD || fd == dirfd(d) || listed(keep, (int)fd))
			continue;
		close((int)fd);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	char buf[PATH_MAX];
	const char *prog;
	ssize_t n;
	char go;

	if (argc >= 2 && !strncmp(argv[1], "--keep-fds=", 11)) {
		close_unlisted(argv[1] + 11);
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: vlt-start [--keep-fds=FD,...] COMMAND [ARG...] (run by vltrace-record)\n");
		return 2;
	}
	prog = find_program(argv[1], buf, sizeof(buf));
	if (!prog) {
		fprintf(stderr, "vltrace-record: %s: command not found\n", argv[1]);
		return 127;
	}
	/* the command must not inherit the go pipe */
	fcntl(GO_FD, F_SETFD, FD_CLOEXEC);
	do
		n = read(GO_FD, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return 126;	/* the recorder gave up before starting */
	execv(prog, argv + 1);
	fprintf(stderr, "vltrace-record: cannot execute %s: %s\n", prog, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
