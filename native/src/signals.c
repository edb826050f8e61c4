// SPDX-License-Identifier: BSD-3-Clause
/* signals.c: keeps the siginfo of the signals vltrace-record stops on, in front of Node's own
 * handler (libuv's), which it then calls as if it had been called directly. libuv puts
 * SIG_DFL back when the last JS listener goes, which removes this wrapper with it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "signals.h"

static struct sigaction chained[NSIG];
static volatile int last_code[NSIG], last_pid[NSIG];
static volatile unsigned delivered[NSIG];

static void keep_origin(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *next = &chained[sig];
	int saved = errno;

	/* stored before the next handler runs: JS hears of the signal only through it */
	last_code[sig] = si ? si->si_code : SI_USER;
	last_pid[sig] = si ? si->si_pid : 0;
	__atomic_fetch_add(&delivered[sig], 1, __ATOMIC_SEQ_CST);
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
	if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == keep_origin)
		return 0;	/* already in front */
	if (!(now.sa_flags & SA_SIGINFO) && (now.sa_handler == SIG_DFL || now.sa_handler == SIG_IGN))
		return -EINVAL;	/* no handler to chain to: the signal would be swallowed */
	chained[sig] = now;
	sa = now;
	sa.sa_sigaction = keep_origin;
	sa.sa_flags = now.sa_flags | SA_SIGINFO;
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

void vlt_signal_origin(int sig, struct vlt_sig_origin *out)
{
	memset(out, 0, sizeof(*out));
	if (sig <= 0 || sig >= NSIG)
		return;
	out->count = __atomic_load_n(&delivered[sig], __ATOMIC_SEQ_CST);
	out->code = last_code[sig];
	out->pid = last_pid[sig];
}
