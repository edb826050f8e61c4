/*
 * Helper of scripts/gen-syscalls.mjs, compiled into a temp dir at generation
 * time. Two modes:
 *
 *   syscall-probe strerror FROM TO
 *     Print "n<TAB>strerror(n)" for n in FROM..TO: glibc's messages, which
 *     strace prints after the errno name ("-1 ENOENT (No such file or
 *     directory)"). Runs in the C locale: setlocale() is never called.
 *
 *   syscall-probe numbers N...
 *     Print our pid, wait for a line on stdin (the generator then points the
 *     tracefs event pid filter at us), then for each N, in a child process:
 *       syscall(SYS_write, -1, NULL, N)  -- a marker: fails with EBADF, and
 *                                           the trace shows N as its count
 *       syscall(N, 0, 0, 0, 0, 0, 0)     -- zero/NULL arguments: the call
 *                                           fails harmlessly (EFAULT, EINVAL,
 *                                           ENOSYS...)
 *     The sys_enter event following a marker names syscall N. A child per
 *     number because some calls kill the caller (uprobe/uretprobe raise
 *     SIGILL outside their trampoline) and an alarm bounds any that block.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int print_strerror(long from, long to)
{
	for (long n = from; n <= to; n++)
		printf("%ld\t%s\n", n, strerror((int)n));
	return fflush(stdout) == 0 ? 0 : 1;
}

static int probe_numbers(int count, char **numbers)
{
	char go[16];

	printf("%ld\n", (long)getpid());
	if (fflush(stdout) != 0 || fgets(go, sizeof go, stdin) == NULL)
		return 1;

	for (int i = 0; i < count; i++) {
		long nr = strtol(numbers[i], NULL, 10);
		pid_t child = fork();
		if (child < 0) {
			perror("fork");
			return 1;
		}
		if (child == 0) {
			alarm(2);
			syscall(SYS_write, -1L, NULL, nr);
			syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
			_exit(0);
		}
		int status;
		while (waitpid(child, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("waitpid");
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "strerror") == 0)
		return print_strerror(strtol(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "numbers") == 0)
		return probe_numbers(argc - 2, argv + 2);
	fprintf(stderr, "usage: %s strerror FROM TO | numbers N...\n", argv[0]);
	return 2;
}
