// SPDX-License-Identifier: BSD-3-Clause
/* signals.c: vltrace-record's stop signals, handled where they arrive (signals.h says why), in
 * front of Node's own handler (libuv's), which is then called as if it had been called directly
 * so that JS hears of each signal too. libuv puts SIG_DFL back when the last JS listener goes,
 * which removes this handler with it. Everything here runs in signal context: atomics,
 * sigaction, kill, getpgid, setitimer, write, raise. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include "signals.h"

static struct sigaction chained[NSIG];

/* armed: deliveries of watched signals since vlt_signal_arm, what became of the first, and
 * the signal to end by */
static volatile int armed, command, forwarded, ending_sig;
static volatile unsigned stops;
static unsigned end_ms;
static char end_note[256];

/* Ends the process by `sig` as its default action does: no handler, not blocked. */
static void end_by(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	if (end_note[0] && write(STDERR_FILENO, end_note, strlen(end_note)) < 0) {
		/* ending anyway */
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);	/* not reached: SIGINT, SIGTERM and SIGHUP end a process */
}

static void on_alarm(int sig)
{
	(void)sig;
	if (armed && ending_sig)
		end_by(ending_sig);
}

/* The first signal, passed on to the command unless it has it already: sent by the kernel (a
 * terminal) to our process group with the command in it, or sent by the command itself. */
static void pass_on(int sig, const siginfo_t *si)
{
	int pid = command;

	if (pid <= 0)
		return;
	if (si && ((si->si_code == SI_KERNEL && getpgid(pid) == getpgrp()) ||
		   (si->si_code <= 0 && si->si_pid == pid))) {
		forwarded = -1;
		return;
	}
	if (kill(pid, sig) == 0)
		forwarded = pid;
}

static void on_stop_signal(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *next = &chained[sig];
	int saved = errno;

	if (armed) {
		unsigned n = __atomic_add_fetch(&stops, 1, __ATOMIC_SEQ_CST);

		if (n == 1)
			pass_on(sig, si);
		else if (n == 2) {
			struct itimerval t = { .it_value = { end_ms / 1000, (end_ms % 1000) * 1000 } };

			ending_sig = sig;
			setitimer(ITIMER_REAL, &t, NULL);
		} else {
			end_by(sig);
		}
	}
	if (next->sa_flags & SA_SIGINFO)
		next->sa_sigaction(sig, si, uc);
	else if (next->sa_handler != SIG_DFL && next->sa_handler != SIG_IGN)
		next->sa_handler(sig);
	errno = saved;
}

int vlt_watch_signal(int sig)
{
	struct sigaction now, sa;

	if (sig <= 0 || sig >= NSIG || sigaction(sig, NULL, &now))
		return -EINVAL;
	if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_stop_signal)
		return 0;	/* already in front */
	if (!(now.sa_flags & SA_SIGINFO) && (now.sa_handler == SIG_DFL || now.sa_handler == SIG_IGN))
		return -EINVAL;	/* no handler to chain to: the signal would be swallowed */
	chained[sig] = now;
	sa = now;
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = now.sa_flags | SA_SIGINFO;
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

int vlt_signal_arm(unsigned ms, const char *note)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return -errno;
	snprintf(end_note, sizeof(end_note), "%s", note ? note : "");
	end_ms = ms ? ms : 1;
	ending_sig = forwarded = 0;
	stops = 0;
	armed = 1;
	return 0;
}

void vlt_signal_command(int pid)
{
	command = pid;
}

int vlt_signal_forwarded(void)
{
	return forwarded;
}

void vlt_signal_disarm(void)
{
	struct itimerval off = {};
	struct sigaction dfl;

	armed = 0;
	command = 0;
	setitimer(ITIMER_REAL, &off, NULL);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGALRM, &dfl, NULL);
}
