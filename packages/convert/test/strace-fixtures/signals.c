/* Signals for the strace comparison (test/strace-real.test.ts): a handled signal, a blocking
 * read broken by a timer (EINTR, no SA_RESTART), a child killed by SIGTERM while it waits, and
 * a thread still blocked in read when the process exits (killed in its call). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int p[2];

static void on_signal(int sig) { (void)sig; }

static void *blocker(void *arg)
{
	char c;
	(void)read(p[0], &c, 1);
	return arg;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	pthread_t t;
	pid_t child;
	char c;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	raise(SIGUSR1);
	if (pipe(p) < 0)
		return 1;
	setitimer(ITIMER_REAL, &it, NULL);
	(void)read(p[0], &c, 1);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	usleep(20000);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	pthread_create(&t, NULL, blocker, NULL);
	usleep(20000);
	return 0;
}
