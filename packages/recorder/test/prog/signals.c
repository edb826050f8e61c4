// Signals for the recorder's tests (test/signals.test.ts).
//   signals family: SIGUSR1 handled and SIGUSR2 ignored in this process; a child that handles a
//                   SIGUSR1 of its own and exits (the parent's SIGCHLD is ignored)
//   signals wait N: handles SIGUSR1 until N have come (sent by the test), then exits
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

int main(int argc, char **argv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	if (argc > 2 && !strcmp(argv[1], "wait")) {
		int n = atoi(argv[2]);

		while (got < n)
			pause();
		return 0;
	}
	kill(getpid(), SIGUSR1);
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	pid_t c = fork();
	if (c == 0) {
		raise(SIGUSR1);
		usleep(50000);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	return 0;
}
