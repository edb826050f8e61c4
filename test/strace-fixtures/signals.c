// Signals of every kind, for the comparison of signal lines with real strace
// (strace-real.test.ts). Built without PIE so that fault addresses are the same in every run;
// children and helpers sleep so that each signal reaches its thread at a known place.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static sigjmp_buf env;
static void on_sig(int sig) { (void)sig; }
static void on_fault(int sig) { (void)sig; siglongjmp(env, 1); }

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void *thread_main(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* A signal to ourselves with a siginfo of our making (the kernel lets a process queue any
 * si_code to itself): the union's words at byte offsets. */
static void fabricate(int sig, int code, int err, const uint64_t *words, int n)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_errno = err;
	memcpy((char *)&si + 16, words, 8 * n);
	syscall(SYS_rt_sigqueueinfo, getpid(), sig, &si);
}
#define W2(lo, hi) ((uint64_t)(uint32_t)(lo) | (uint64_t)(uint32_t)(hi) << 32)

int main(void)
{
	int p[2], st;
	pid_t a, b;

	/* SIGCHLD, default disposition (ignored), the parent waiting in wait4 */
	a = fork();
	if (a == 0) {
		usleep(50000);
		_exit(3);
	}
	waitpid(a, &st, 0);

	/* SIGUSR1 with a handler, from kill() */
	handle(SIGUSR1, on_sig, 0);
	kill(getpid(), SIGUSR1);

	/* SIGUSR2 ignored, raised (tgkill) */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);

	/* SIGUSR2 ignored, sent by a child while we block in read() */
	pipe(p);
	a = fork();
	if (a == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR2);
		usleep(50000);
		write(p[1], "x", 1);
		usleep(50000);
		_exit(0);
	}
	read(p[0], &st, 1);
	waitpid(a, &st, 0);
	close(p[0]);
	close(p[1]);

	/* SIGALRM from alarm(), with a handler */
	handle(SIGALRM, on_sig, 0);
	alarm(1);
	pause();

	/* SIGRT_4 from sigqueue() with a value; SIGUSR1 from a POSIX timer */
	handle(SIGRTMIN + 2, on_sig, 0);
	sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = 42 });
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 7 };
	timer_t timer;
	timer_create(CLOCK_MONOTONIC, &sev, &timer);
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	timer_settime(timer, 0, &its, NULL);
	pause();
	timer_delete(timer);

	/* SIGPIPE ignored: the kernel's SEND_SIG_NOINFO (si_pid is ours) */
	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	write(p[1], "x", 1);
	close(p[1]);

	/* SIGIO with F_SETSIG: POLL_IN, si_band, si_fd */
	handle(SIGIO, on_sig, 0);
	pipe(p);
	fcntl(p[0], F_SETOWN, getpid());
	fcntl(p[0], F_SETSIG, SIGIO);
	fcntl(p[0], F_SETFL, O_ASYNC);
	write(p[1], "y", 1);
	close(p[0]);
	close(p[1]);

	/* faults caught by a handler: SIGSEGV, SIGFPE, SIGILL, SIGBUS (a page past the end of a file) */
	handle(SIGSEGV, on_fault, SA_NODEFER);
	handle(SIGFPE, on_fault, SA_NODEFER);
	handle(SIGILL, on_fault, SA_NODEFER);
	handle(SIGBUS, on_fault, SA_NODEFER);
	if (!sigsetjmp(env, 1))
		*(volatile int *)16 = 1;
	if (!sigsetjmp(env, 1))
		__asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idiv %%ecx" ::: "eax", "ecx", "edx");
	if (!sigsetjmp(env, 1))
		__asm__ volatile("ud2");
	char name[] = "/tmp/vlt-sigbus-XXXXXX";
	int fd = mkstemp(name);
	unlink(name);
	char *m = mmap((void *)0x700000000000, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	if (m != MAP_FAILED && !sigsetjmp(env, 1))
		st = *(volatile char *)m;
	munmap(m, 4096);
	close(fd);

	/* a signal to another thread, blocked in pause() */
	pthread_t t;
	pthread_create(&t, NULL, thread_main, NULL);
	usleep(50000);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);

	/* a child killed by SIGKILL (from a second child, while we wait for the first) */
	a = fork();
	if (a == 0) {
		pause();
		_exit(0);
	}
	b = fork();
	if (b == 0) {
		usleep(50000);
		kill(a, SIGKILL);
		usleep(100000);
		_exit(0);
	}
	waitpid(a, &st, 0);
	waitpid(b, &st, 0);

	/* siginfos of every other kind, made up and queued to ourselves */
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			handle(s, on_sig, 0);
	const uint64_t chld_killed[] = { W2(4242, 1000), 9, 5, 123 };
	fabricate(SIGCHLD, CLD_KILLED, 0, chld_killed, 4);
	const uint64_t chld_dumped[] = { W2(4243, 0), SIGSEGV };
	fabricate(SIGCHLD, CLD_DUMPED, 0, chld_dumped, 2);
	const uint64_t chld_stopped[] = { W2(4244, 0), SIGSTOP, 0, 1 };
	fabricate(SIGCHLD, CLD_STOPPED, 0, chld_stopped, 4);
	const uint64_t chld_cont[] = { W2(4244, 0), SIGCONT };
	fabricate(SIGCHLD, CLD_CONTINUED, 0, chld_cont, 2);
	const uint64_t segv_bnd[] = { 0x1000, 0, 0x2000, 0x3000 };
	fabricate(SIGSEGV, SEGV_BNDERR, 0, segv_bnd, 4);
	const uint64_t segv_pku[] = { 0x1000, 0, 1 };
	fabricate(SIGSEGV, SEGV_PKUERR, 0, segv_pku, 3);
	const uint64_t segv_acc[] = { 0x401000 };
	fabricate(SIGSEGV, SEGV_ACCERR, 0, segv_acc, 1);
	const uint64_t nothing[] = { 0 };
	fabricate(SIGSEGV, SI_KERNEL, 0, nothing, 1);
	const uint64_t bus_mce[] = { 0x7f0000000000, 12 };
	fabricate(SIGBUS, BUS_MCEERR_AR, 0, bus_mce, 2);
	const uint64_t bus_aln[] = { 0x1001 };
	fabricate(SIGBUS, BUS_ADRALN, 0, bus_aln, 1);
	const uint64_t trap[] = { 0x401000 };
	fabricate(SIGTRAP, TRAP_BRKPT, 0, trap, 1);
	const uint64_t sys[] = { 0x7f9a8412b321, W2(SYS_getpid, 0xc000003e) };
	fabricate(SIGSYS, 1 /* SYS_SECCOMP */, 0, sys, 2);
	const uint64_t poll_in[] = { 65, 3 };
	fabricate(SIGIO, POLL_IN, 0, poll_in, 2);
	fabricate(SIGIO, POLL_HUP, 0, poll_in, 2);
	fabricate(SIGIO, SI_SIGIO, 0, poll_in, 2);
	fabricate(SIGPROF, 1 /* PROF_SIG */, 0, nothing, 1);
	const uint64_t source[] = { W2(55, 0) };
	fabricate(SIGHUP, SI_KERNEL, 0, source, 1);
	const uint64_t value[] = { 0, 0x10 };
	fabricate(SIGPIPE, SI_KERNEL, 0, value, 2);
	const uint64_t queued[] = { W2(4242, 0), 0x7ffd00001234 };
	fabricate(SIGUSR2, SI_QUEUE, ENOENT, queued, 2);
	const uint64_t mesgq[] = { W2(1, -1) };
	fabricate(SIGTERM, SI_MESGQ, 0, mesgq, 1);
	fabricate(SIGURG, SI_ASYNCIO, 0, source, 1);
	fabricate(SIGWINCH, -100, 0, source, 1);
	fabricate(SIGXCPU, 77, 0, source, 1);
	return 0;
}
