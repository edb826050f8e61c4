/* syscalls.c: the syscalls the recorder tests look for, made directly and deterministically.
 *
 *   syscalls             paths of 10..4095 bytes, two- and three-string calls, failing calls,
 *                        fork, vfork + execve, clone, a second thread; exits with status 3
 *   syscalls wait MS M   sleeps MS milliseconds, then access(M); exits 0 (for -p and -a)
 *   syscalls await M     reads a byte from stdin (the test's go once it records), then
 *                        access(M); exits 0 (for -p on a loaded machine: no timing)
 *   syscalls loop N      N getppid() calls; prints the ns per call, wall-clock then the
 *                        thread's CPU time (benchmark; CPU time ignores waits for a CPU)
 *
 * Paths are made of 'a'..'z' by position (and '/' every 200 bytes), so a test can rebuild
 * exactly what a string cut at any length must hold: see pathOf() in the tests. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "/vlt-nonexistent/"

static const int lengths[] = { 10, 126, 382, 765, 1531, 4095 };

/* A path of exactly len bytes under a directory that does not exist. */
static char *path_of(int len, char tag)
{
	char *p = malloc(len + 1);
	int pre = strlen(PREFIX);

	for (int i = 0; i < len; i++)
		p[i] = i < pre ? PREFIX[i] : (i % 200 == 199 ? '/' : 'a' + i % 26);
	if (len > pre)
		p[pre] = tag;	/* tells the strings of one call apart */
	p[len] = 0;
	return p;
}

static void *thread_main(void *arg)
{
	(void)arg;
	access("/vlt-thread-marker", F_OK);
	return NULL;
}

static int clone_main(void *arg)
{
	(void)arg;
	access("/vlt-clone-marker", F_OK);
	return 6;
}

static int run_all(void)
{
	static char stack[64 * 1024];
	char *a, *b, *c;
	pthread_t t;
	pid_t pid;
	int status;

	/* one string argument, each length: raw open(2) (glibc's open() is openat) and openat(2) */
	for (unsigned i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		char *p = path_of(lengths[i], 'p');

		syscall(SYS_open, p, O_RDONLY);
		syscall(SYS_openat, AT_FDCWD, p, O_RDONLY);
		free(p);
	}
	/* two strings: one under and one over fast mode's 190 */
	a = path_of(150, 'a');
	b = path_of(250, 'b');
	syscall(SYS_rename, a, b);
	syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 0);
	/* three strings (fast mode: 126 each); fails with ENOENT or ENODEV */
	c = path_of(20, 'c');
	syscall(SYS_mount, a, PREFIX "target", c, 0UL, NULL);
	free(a);
	free(b);
	free(c);
	/* failures with known errnos */
	syscall(SYS_close, -1);						/* EBADF */
	syscall(SYS_open, "/vlt-missing-file", O_RDONLY);		/* ENOENT */
	syscall(SYS_mkdir, "/proc/vlt-cannot", 0700);			/* ENOENT */
	/* a second thread */
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
	/* fork */
	pid = fork();
	if (pid == 0) {
		access("/vlt-fork-marker", F_OK);
		_exit(4);
	}
	waitpid(pid, &status, 0);
	/* vfork + execve */
	pid = vfork();
	if (pid == 0) {
		char *argv[] = { "true", NULL };

		execve("/bin/true", argv, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	/* clone */
	pid = clone(clone_main, stack + sizeof(stack), SIGCHLD, NULL);
	waitpid(pid, &status, 0);
	return 3;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "wait")) {
		usleep(atoi(argv[2]) * 1000);
		access(argv[3], F_OK);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "await")) {
		char go;

		if (read(0, &go, 1) < 0)
			return 1;
		access(argv[2], F_OK);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "loop")) {
		long n = atol(argv[2]);
		struct timespec c0, c1;
		long long t0 = now_ns();

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		printf("%.1f %.1f\n", (double)(now_ns() - t0) / n,
		       ((c1.tv_sec - c0.tv_sec) * 1e9 + (c1.tv_nsec - c0.tv_nsec)) / n);
		return 0;
	}
	return run_all();
}
