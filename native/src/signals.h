/* SPDX-License-Identifier: BSD-3-Clause */
/* signals.h: who sent a signal. Node hands a signal to JS without its siginfo; vltrace-record
 * needs to know whether a SIGINT came from the terminal (the kernel sends it to the whole
 * foreground process group: the command has it already) or from a process (kill: the
 * command has not). */
#ifndef VLT_SIGNALS_H
#define VLT_SIGNALS_H

#ifdef __cplusplus
extern "C" {
#endif

struct vlt_sig_origin {
	int code;		/* si_code of the last delivery: SI_USER, SI_KERNEL (a terminal), ... */
	int pid;		/* si_pid: the sender when a process sent it */
	unsigned count;		/* deliveries seen since watching */
};

/* Wraps the handler installed for `sig` (Node's, after process.on) with one that keeps the
 * sender, then calls it. 0, or -EINVAL when no handler is installed (nothing would run it). */
int vlt_watch_signal(int sig);
/* The sender of the last delivery of `sig`; count 0 when none was seen. */
void vlt_signal_origin(int sig, struct vlt_sig_origin *out);

#ifdef __cplusplus
}
#endif
#endif /* VLT_SIGNALS_H */
