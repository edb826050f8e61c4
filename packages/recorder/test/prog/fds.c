/* The files behind descriptors, for test/fd-files.test.ts: each call that makes a descriptor
 * (or changes the working directory) is followed by a report line `LABEL FD HEX` with what
 * /proc/self/fd/FD (or /proc/self/cwd) reads at that moment, in hex; the test checks the
 * recording names each descriptor the same way. Run with a scratch directory as argument. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

static void report(const char *label, int fd)
{
	char link[64], path[PATH_MAX + 1];
	ssize_t n;

	if (fd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/self/cwd");
	else
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, PATH_MAX);
	printf("%s %d ", label, fd);
	if (n < 0)
		printf("-");	/* too long for /proc: d_path gave up */
	for (ssize_t i = 0; i < n; i++)
		printf("%02x", (unsigned char)path[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	int fd, p[2], sv[2], dirfd;
	char name[201];
	sigset_t mask;

	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	/* through a symlinked directory: the name is the real one */
	mkdir("real", 0755);
	symlink("real", "link");
	close(open("real/file", O_CREAT | O_WRONLY, 0644));
	fd = open("link/file", O_RDONLY);
	report("open_symlinked", fd);
	close(fd);
	fd = openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC);
	report("openat_lib", fd);
	close(fd);
	/* other mounts: devtmpfs, proc */
	fd = open("/dev/null", O_RDONLY);
	report("open_devnull", fd);
	close(fd);
	fd = open("/proc/self/status", O_RDONLY);
	report("open_proc", fd);
	close(fd);
	/* bytes a name may hold */
	fd = open("we<ird>\001 \"name\\", O_CREAT | O_RDWR, 0600);
	report("open_weird", fd);
	close(fd);
	/* unlinked: ' (deleted)' */
	fd = open("gone", O_CREAT | O_RDWR, 0600);
	unlink("gone");
	dirfd = dup(fd);
	report("dup_deleted", dirfd);
	close(dirfd);
	close(fd);
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	report("open_tmpfile", fd);
	close(fd);
	/* pipes and sockets: named by their inode */
	pipe2(p, O_CLOEXEC);
	report("pipe2_0", p[0]);
	report("pipe2_1", p[1]);
	dup2(p[0], 20);
	report("dup2", 20);
	dup3(p[1], 21, O_CLOEXEC);
	report("dup3", 21);
	close(20);
	close(21);
	close(p[0]);
	close(p[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	report("socketpair_0", sv[0]);
	report("socketpair_1", sv[1]);
	close(sv[0]);
	close(sv[1]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	report("socket", fd);
	close(fd);
	/* anonymous inodes, pidfs, memfd, namespaces */
	fd = eventfd(0, 0);
	report("eventfd2", fd);
	close(fd);
	fd = epoll_create1(0);
	report("epoll_create1", fd);
	close(fd);
	sigemptyset(&mask);
	fd = signalfd(-1, &mask, 0);
	report("signalfd4", fd);
	close(fd);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	report("timerfd_create", fd);
	close(fd);
	fd = inotify_init1(0);
	report("inotify_init1", fd);
	close(fd);
	fd = syscall(SYS_pidfd_open, getpid(), 0);
	report("pidfd_open", fd);
	close(fd);
	fd = memfd_create("mem<fd>", 0);
	report("memfd_create", fd);
	close(fd);
	fd = open("/proc/self/ns/net", O_RDONLY);
	report("open_ns", fd);
	close(fd);
	/* the working directory: through a symlink, and by a descriptor */
	chdir("link");
	report("chdir", AT_FDCWD);
	dirfd = open("..", O_RDONLY | O_DIRECTORY);
	fchdir(dirfd);
	report("fchdir", AT_FDCWD);
	close(dirfd);
	/* deeper than a packet holds: 60 directories of 200-byte names (12 KiB, more than d_path
	 * gives /proc, which says ENAMETOOLONG), made one by one below each other */
	memset(name, 'd', 200);
	name[200] = 0;
	dirfd = open(".", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 60; i++) {
		int next;

		mkdirat(dirfd, name, 0755);
		next = openat(dirfd, name, O_RDONLY | O_DIRECTORY);
		close(dirfd);
		dirfd = next;
	}
	fd = openat(dirfd, "deep", O_CREAT | O_RDWR, 0600);
	report("openat_deep", fd);
	close(fd);
	close(dirfd);
	fflush(stdout);
	return 0;
}
