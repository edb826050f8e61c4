/* SPDX-License-Identifier: BSD-3-Clause */
/* signal.bpf.h: SIGNAL packets, the signals strace shows as `--- SIGCHLD {...} ---`: each signal
 * a traced thread takes from its queue (signal_deliver), and each signal sent to a traced
 * thread that the kernel discarded at once because it was ignored (signal_generate). A ptraced
 * process is stopped even for ignored signals, so strace shows those too; an untraced one
 * never dequeues them. Included by vltrace.bpf.c only. */

#define SIG_KILL 9			/* never reported by ptrace: strace shows only `+++ killed by SIGKILL +++` */
#define SI_USER 0
#define SI_KERNEL 0x80
#define PF_EXITING_FLAG 0x4		/* task->flags: include/linux/sched.h PF_EXITING */
#define SIGNAL_GROUP_EXIT_FLAG 0x4	/* signal->flags: include/linux/sched/signal.h SIGNAL_GROUP_EXIT */

/* The info arguments may be SEND_SIG_NOINFO (0: from user space, with the sender's pid and uid)
 * or SEND_SIG_PRIV (1: from the kernel): not pointers. */
static __always_inline bool real_siginfo(const struct kernel_siginfo *info)
{
	return (unsigned long)info > 1;
}

/* Writes one SIGNAL packet for thread `task_pid_tgid`. `sender` is who sent it (for NOINFO). */
static __always_inline void emit_signal(__u64 task_pid_tgid, int sig, struct kernel_siginfo *info,
					__u32 flags, __u64 sender)
{
	struct vlt_counters *c = get_counters();
	struct vlt_signal *s;
	__u64 ts;

	if (!c)
		return;
	ts = bpf_ktime_get_ns();
	s = reserve(c, sizeof(*s), task_pid_tgid, ts);
	if (!s)
		return;
	s->size = sizeof(*s);
	s->info = VLT_PT_SIGNAL;
	s->pid_tid = task_pid_tgid;
	s->ts = ts;
	s->signo = sig;
	s->flags = flags;
	__builtin_memset(s->fields, 0, sizeof(s->fields));
	if (real_siginfo(info)) {
		s->sig_errno = BPF_CORE_READ(info, si_errno);
		s->code = BPF_CORE_READ(info, si_code);
		bpf_probe_read_kernel(s->fields, sizeof(s->fields), &info->_sifields);
	} else if (!info) {
		/* what __send_signal_locked fills in for SEND_SIG_NOINFO: si_pid, si_uid */
		s->sig_errno = 0;
		s->code = SI_USER;
		*(__u32 *)&s->fields[0] = sender >> 32;
		*(__u32 *)&s->fields[4] = bpf_get_current_uid_gid();
	} else {
		s->sig_errno = 0;
		s->code = SI_KERNEL;
	}
	submit(c, s, sizeof(*s));
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(handle_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	/* a SIGKILL (also the one each thread of an exiting group takes) is never shown by ptrace */
	if (sig == SIG_KILL || !traced_now(pid_tgid >> 32))
		return 0;
	emit_signal(pid_tgid, sig, info, 0, pid_tgid);
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u32 tgid, tid;

	if (result != TRACE_SIGNAL_IGNORED || sig == SIG_KILL)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	tid = BPF_CORE_READ(task, pid);
	if (!traced_now(tgid))
		return 0;
	/* IGNORED means prepare_signal() refused it: the task's disposition ignores it (SIG_IGN, a
	 * SIG_DFL that ignores, an unkillable init), which ptrace would still have reported, or the
	 * task or its group is dying, which no tracer would see */
	if ((BPF_CORE_READ(task, flags) & PF_EXITING_FLAG) ||
	    (BPF_CORE_READ(task, signal, flags) & SIGNAL_GROUP_EXIT_FLAG))
		return 0;
	emit_signal((__u64)tgid << 32 | tid, sig, info, VLT_SIGNAL_IGNORED, bpf_get_current_pid_tgid());
	return 0;
}
