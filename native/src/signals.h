/* SPDX-License-Identifier: BSD-3-Clause */
/* signals.h: what vltrace-record does on SIGINT, SIGTERM or SIGHUP, decided in the signal
 * handler itself. Node hands a signal to JS without its sender, and later: the JS thread may be
 * blocked (a synchronous write to a full stdout pipe). The handler knows the sender: a
 * terminal's Ctrl-C is sent by the kernel to the whole foreground process group (the command
 * has it already), a kill(2) by a process (the command has not). */
#ifndef VLT_SIGNALS_H
#define VLT_SIGNALS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Puts a handler in front of the one installed for `sig` (Node's, after process.on), which it
 * then calls. 0, or -EINVAL when no handler is installed (nothing would run it). */
int vlt_watch_signal(int sig);
/* From now on, counting deliveries of the watched signals: the first is passed on to the
 * command (vlt_signal_command) unless it has it already; at the second the process ends by
 * that signal `ms` later (SIGALRM) unless disarmed; at the third, at once. `note` is written
 * on stderr before ending. */
int vlt_signal_arm(unsigned ms, const char *note);
/* The command to pass the first signal on to; 0 once it has ended (its pid may be reused). */
void vlt_signal_command(int pid);
/* The pid the first signal was passed on to, 0 when it was not (yet), -1 when the command
 * had it already (a terminal) or sent it. */
int vlt_signal_forwarded(void);
/* Stops counting and cancels a pending end. */
void vlt_signal_disarm(void);

#ifdef __cplusplus
}
#endif
#endif /* VLT_SIGNALS_H */
