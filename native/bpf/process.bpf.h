/* SPDX-License-Identifier: BSD-3-Clause */
/* process.bpf.h: FORK, EXEC and PROC_EXIT packets, and the traced set kept in step with them
 * (follow-fork adds children, the death of a process removes it). Included by vltrace.bpf.c. */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();	/* the parent: kernel_clone's current */
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	bool thread = ptgid == ctgid;
	struct vlt_counters *c;
	struct vlt_fork *f;
	__u64 ts;

	if (!traced_now(ptgid))
		return 0;
	/* threads share the tgid and are traced with it; processes only with -f */
	if (!system_wide && follow_forks && !thread)
		trace_tgid(ctgid);
	c = get_counters();
	if (!c)
		return 0;
	ts = bpf_ktime_get_ns();
	f = reserve(c, sizeof(*f), pid_tgid, ts);
	if (!f)
		return 0;
	f->size = sizeof(*f);
	f->info = VLT_PT_FORK;
	f->pid_tid = pid_tgid;
	f->ts = ts;
	f->child_pid = ctgid;
	f->child_tid = child->pid;
	f->flags = thread ? VLT_FORK_THREAD : 0;
	f->reserved = 0;
	bpf_probe_read_kernel_str(f->comm, sizeof(f->comm), child->comm);
	submit(c, f, sizeof(*f));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vlt_counters *c;
	struct vlt_exec *x;
	__u32 len;
	__u64 ts;
	long n;

	if (!traced_now(pid_tgid >> 32))
		return 0;
	c = get_counters();
	if (!c)
		return 0;
	ts = bpf_ktime_get_ns();
	/* room for PATH_MAX and the zeroed padding; the core copies only x->size bytes */
	x = reserve(c, sizeof(*x) + EXEC_NAME_MAX + 8, pid_tgid, ts);
	if (!x)
		return 0;
	n = bpf_probe_read_kernel_str(x->filename, EXEC_NAME_MAX, BPF_CORE_READ(bprm, filename));
	len = n > 0 ? (n - 1) & (EXEC_NAME_MAX - 1) : 0;
	*(__u64 *)(x->filename + len) = 0;
	x->size = (sizeof(*x) + len + 7) & ~7;
	x->info = VLT_PT_EXEC;
	x->pid_tid = pid_tgid;
	x->ts = ts;
	x->old_tid = old_pid;
	x->filename_len = len;
	bpf_get_current_comm(x->comm, sizeof(x->comm));
	submit(c, x, sizeof(*x) + EXEC_NAME_MAX + 8);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = pid_tgid;
	/* signal->live was decremented before the tracepoint: 0 means the last thread */
	bool group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	struct vlt_counters *c;
	struct vlt_proc_exit *x;
	__u64 ts;

	bpf_map_delete_elem(&pending, &tid);
	if (system_wide) {
		if (tgid == self_tgid)
			return 0;
	} else {
		__u64 *w = traced_word(tgid);

		if (!w || !(*w & 1ULL << (tgid % 64)))
			return 0;
		if (tgid == armed_tgid) {	/* vlt-start died before exec */
			if (group_dead) {
				armed_tgid = 0;
				untrace_tgid(tgid);
			}
			return 0;
		}
	}
	c = get_counters();
	if (!c)
		goto out;
	ts = bpf_ktime_get_ns();
	x = reserve(c, sizeof(*x), pid_tgid, ts);
	if (!x)
		goto out;
	x->size = sizeof(*x);
	x->info = VLT_PT_PROC_EXIT;
	x->pid_tid = pid_tgid;
	x->ts = ts;
	x->exit_code = BPF_CORE_READ(p, exit_code);
	x->flags = group_dead ? VLT_PROC_EXIT_GROUP_DEAD : 0;
	bpf_get_current_comm(x->comm, sizeof(x->comm));
	if (group_dead && !system_wide)
		bpf_ringbuf_submit(x, BPF_RB_FORCE_WAKEUP);	/* maybe the last one: tell the core now */
	else
		submit(c, x, sizeof(*x));
out:
	/* after the packet: the core stops when the set is empty, then drains what was written */
	if (group_dead && !system_wide)
		untrace_tgid(tgid);
	return 0;
}
