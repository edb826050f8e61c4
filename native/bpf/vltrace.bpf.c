// SPDX-License-Identifier: BSD-3-Clause
/* vltrace.bpf.c: the kernel side of vltrace-record.
 *
 * sys_enter/sys_exit (tp_btf) write ENTRY/ENTRY_CONT/EXIT packets of the traced processes into
 * one ring buffer, each followed by DATA packets where the capture table reads memory; sched_process_fork/exec/exit write FORK/EXEC/PROC_EXIT and maintain the set
 * of traced tgids (follow-fork). Packet layouts come from the GENERATED trace.h only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.h"
#include "vltrace.h"

#define NR_RT_SIGRETURN 15
#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define MAX_STR_ARGS 3		/* mount and request_key have the most string arguments */
#define SCRATCH_HALF 512	/* offsets into scratch are masked below this... */
#define SCRATCH_SIZE 1024	/* ...so a 385-byte string read after any of them stays inside */
#define EXEC_NAME_MAX 4096	/* PATH_MAX */
#define RB_HDR 8		/* BPF_RINGBUF_HDR_SZ */

/* Settings, written by the core between open and load (the verifier prunes dead branches). */
const volatile __u32 self_tgid = 0;	/* never trace the recorder itself */
const volatile __u32 system_wide = 0;	/* every tgid but self_tgid; else the traced set */
const volatile __u32 follow_forks = 0;	/* add children of traced processes to the set */
const volatile __u32 failed_only = 0;	/* -X: emit entry + exit only when the call failed */
const volatile __u32 str_mode = VLT_STR_FAST;
const volatile __u32 str_chunks = 1;	/* N: packets per string in the multi-packet modes */
const volatile __u32 data_limit = 126;	/* -s for memory behind arguments: bytes of a buffer or
					 * argv string, items of an array (capture.bpf.h) */
const volatile __u32 stage_limit = VLT_STAGE_BYTES; /* bytes of a batch: less with a small ring */
const volatile __u64 wakeup_bytes = 1 << 20; /* per CPU, a power of 2: wake the reader every so many bytes */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);	/* --ring-size, set by the core before load */
} rb SEC(".maps");

/* The traced tgids, one bit each (an array lookup is inlined, a hash lookup is not: this is
 * read twice per syscall of every process). Unused in system-wide mode. Mapped by the core. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, VLT_TRACED_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} traced SEC(".maps");

/* Set by the core before attach (with sc_conf: the syscall set is known after the load): */
__u32 unknown_conf = 0;	/* sc_conf value for numbers past the array */
/* Set by the core before attach, then kept here: */
__u32 armed_tgid = 0;	/* vlt-start waiting to exec the command: traced from that execve on */
__s64 ntraced = 0;	/* bits set in traced: 0 ends a recording of a command or of -p pids */

/* syscall number -> VLT_SC_* bits, filled from the TypeScript syscall table and -e */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VLT_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} sc_conf SEC(".maps");

/* Per-CPU stages of packets and the counters (vltrace.h): an array indexed by CPU, so that the
 * core can map it, see how old each stage is and read the counters; one entry per possible
 * CPU, set by the core before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vlt_stage);
} stage SEC(".maps");

/* An entry whose packets are written at sys_exit: -X, or a string not yet faulted in. */
struct pending {
	__u64 ts;
	__s64 nr;
	__u64 args[VLT_MAX_ARGS];
};

/* Entries are allocated as they come (BPF_F_NO_PREALLOC): a preallocated map of this size
 * (an LRU hash is always one) cost ~3 ms of every start for room that is rarely used. An entry
 * lives from a sys_enter to its sys_exit (or the thread's exit), so the bound is the number of
 * threads in a system call at once; past it, an entry is not saved and the reader reports that
 * exit without its entry. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);		/* tid */
	__type(value, struct pending);
} pending SEC(".maps");

/* Per-CPU workspace for packets with strings: the syscall's strings, then the packet built. */
struct strings {
	__u64 pid_tgid, ts;
	__s64 nr;
	__u32 nargs, nstr, npk, done;
	__u64 args[VLT_MAX_ARGS];
	__u64 ptr[4];
	__u8 argi[4];
};

struct scratch {
	struct strings s;
	__u8 buf[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct vlt_stage *get_stage(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&stage, &cpu);
}

static __always_inline struct vlt_counters *get_counters(void)
{
	struct vlt_stage *st = get_stage();

	return st ? &st->c : NULL;
}

#include "ring.bpf.h"

static __always_inline __u32 syscall_conf(long nr)
{
	__u32 key = nr;
	__u32 *v;

	if (key >= VLT_MAX_SYSCALLS)
		return unknown_conf;
	v = bpf_map_lookup_elem(&sc_conf, &key);
	return v ? *v : 0;
}

static __always_inline __u64 *traced_word(__u32 tgid)
{
	__u32 idx = tgid / 64;

	return bpf_map_lookup_elem(&traced, &idx);
}

/* Is tgid traced (and not armed)? */
static __always_inline bool traced_now(__u32 tgid)
{
	__u64 *w;

	if (system_wide)
		return tgid != self_tgid;
	w = traced_word(tgid);
	return w && (*w & 1ULL << (tgid % 64)) && tgid != armed_tgid;
}

/* Is tgid traced at this sys_enter? The armed tgid (vlt-start, waiting to exec the command)
 * becomes traced at its execve, so the log starts with the command's execve, like strace's. */
static __always_inline bool traced_enter(__u32 tgid, long nr)
{
	__u64 *w;

	if (system_wide)
		return tgid != self_tgid;
	w = traced_word(tgid);
	if (!w || !(*w & 1ULL << (tgid % 64)))
		return false;
	if (tgid == armed_tgid) {
		if (nr != NR_EXECVE && nr != NR_EXECVEAT)
			return false;
		armed_tgid = 0;
	}
	return true;
}

/* Adds tgid to the traced set (follow-fork). Only the bit's own process changes it (its fork,
 * its exit), so test-then-add is safe; the add is atomic against the word's other bits. Plain
 * atomic adds also keep the program within the base BPF instruction set. */
static __always_inline void trace_tgid(__u32 tgid)
{
	__u64 *w = traced_word(tgid), bit = 1ULL << (tgid % 64);

	if (w && !(*w & bit)) {
		__sync_fetch_and_add(w, bit);
		__sync_fetch_and_add(&ntraced, 1);
	}
}

/* Removes tgid from the traced set (its last thread exited). */
static __always_inline void untrace_tgid(__u32 tgid)
{
	__u64 *w = traced_word(tgid), bit = 1ULL << (tgid % 64);

	if (w && (*w & bit)) {
		__sync_fetch_and_add(w, -bit);
		__sync_fetch_and_add(&ntraced, -1);
	}
}

#include "strings.bpf.h"
#include "capture.bpf.h"

/* A plain ENTRY of exactly nargs arguments: sizes must be constants, hence a case per count
 * (stage space and memory traffic are the hot path's cost, not the code size). In the stage,
 * or in the ring directly when the stage is taken (a program that interrupted another). */
#define FILL_ENTRY(e, n)                                                                \
	do {                                                                            \
		e->size = sizeof(*e) + 8 * n;                                           \
		e->info = VLT_PT_ENTRY | n << VLT_INFO_NARGS_SHIFT;                     \
		e->pid_tid = pid_tgid;                                                  \
		e->ts = ts;                                                             \
		e->nr = nr;                                                             \
		e->str_len = 0;                                                         \
		__builtin_memcpy(e->args, args, 8 * n);                                 \
	} while (0)
#define ENTRY_CASE(n)                                                                   \
	case n: {                                                                       \
		struct vlt_entry *s, *e;                                                \
		if (st && (s = stage_reserve(c, st, sizeof(*s) + 8 * n, pid_tgid, ts))) { \
			FILL_ENTRY(s, n);                                               \
			stage_commit(c, st, sizeof(*s) + 8 * n, ts);                     \
			return;                                                         \
		}                                                                       \
		e = reserve(c, sizeof(*e) + 8 * n, pid_tgid, ts);                       \
		if (!e)                                                                 \
			return;                                                         \
		FILL_ENTRY(e, n);                                                       \
		submit(c, e, sizeof(*e) + 8 * n);                                       \
		return;                                                                 \
	}

/* ENTRY packet(s) of a syscall; args[] has VLT_MAX_ARGS values. */
static __always_inline void emit_entry(struct vlt_counters *c, __u64 pid_tgid, __u64 ts, long nr,
				       __u32 conf, __u64 *args)
{
	__u32 nargs = (conf >> VLT_SC_NARGS_SHIFT) & VLT_SC_NARGS_MASK;
	__u32 smask = (conf >> VLT_SC_STRMASK_SHIFT) & VLT_SC_STRMASK_MASK;
	struct vlt_stage *st;

	if (smask && emit_strings(pid_tgid, ts, nr, nargs, smask, args))
		return;
	/* no string (or all NULL): the common case */
	st = (struct vlt_stage *)c;	/* the counters are the first member of their stage */
	switch (nargs) {
	ENTRY_CASE(0)
	ENTRY_CASE(1)
	ENTRY_CASE(2)
	ENTRY_CASE(3)
	ENTRY_CASE(4)
	ENTRY_CASE(5)
	default:
	ENTRY_CASE(6)
	}
}

static __always_inline void save_pending(__u32 tid, __u64 ts, long nr, __u64 *args)
{
	struct pending p = { .ts = ts, .nr = nr };

	__builtin_memcpy(p.args, args, sizeof(p.args));
	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct vlt_counters *c;
	__u64 args[VLT_MAX_ARGS];
	__u32 conf, smask;
	__u64 ts;

	if (!traced_enter(pid_tgid >> 32, id))
		return 0;
	conf = syscall_conf(id);
	if (!(conf & VLT_SC_ENABLED))
		return 0;
	c = get_counters();
	if (!c)
		return 0;
	ts = bpf_ktime_get_ns();
	/* x86-64 syscall arguments: rdi rsi rdx r10 r8 r9 */
	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->r10;
	args[4] = regs->r8;
	args[5] = regs->r9;
	if (failed_only) {
		save_pending(pid_tgid, ts, id, args);
		return 0;
	}
	smask = (conf >> VLT_SC_STRMASK_SHIFT) & VLT_SC_STRMASK_MASK;
	/* a string on a page not faulted in yet fails to read now but reads fine at exit, after
	 * the kernel faulted it in; execve's memory is gone by then (EXEC has its filename) */
	if (smask && id != NR_EXECVE && id != NR_EXECVEAT && !strings_readable(smask, args)) {
		save_pending(pid_tgid, ts, id, args);
		c->deferred++;
		return 0;
	}
	emit_entry(c, pid_tgid, ts, id, conf, args);
	if (conf & VLT_SC_CAP_ENTRY)
		capture(pid_tgid, ts, id, id, args, 0, regs->sp, false, false);
	return 0;
}

/* The entry of this call if it was put off to its exit (-X, or a string not yet faulted in),
 * then what its entry captures read: what the caller passed in is still there (a failed
 * execve's too). A global function: the many paths of writing an entry (argument counts,
 * strings) are verified apart from the rest of sys_exit instead of multiplying with it. */
__noinline int emit_pending(__u64 pid_tgid, long nr)
{
	__u32 tid = pid_tgid;
	struct pending *p = bpf_map_lookup_elem(&pending, &tid);
	struct vlt_counters *c = get_counters();
	__u64 args[VLT_MAX_ARGS], pts;
	__u32 pconf;
	long pnr;

	if (!p || !c || (p->nr != nr && nr != -1))
		return 0;
	__builtin_memcpy(args, p->args, sizeof(args));
	pts = p->ts;
	pnr = p->nr;
	pconf = syscall_conf(pnr);
	bpf_map_delete_elem(&pending, &tid);
	emit_entry(c, pid_tgid, pts, pnr, pconf, args);
	if (pconf & VLT_SC_CAP_ENTRY)
		capture(pid_tgid, pts, pnr, pnr, args, 0, 0, false, true);
	return 0;
}

#define FILL_EXIT(x)                    \
	do {                            \
		x->size = sizeof(*x);   \
		x->info = VLT_PT_EXIT;  \
		x->pid_tid = pid_tgid;  \
		x->ts = ts;             \
		x->nr = nr;             \
		x->reserved = 0;        \
		x->ret = ret;           \
	} while (0)

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	bool failed = ret < 0 && ret >= -4095;
	struct vlt_counters *c;
	struct vlt_stage *st;
	struct vlt_exit *x, *s;
	long nr;
	__u32 conf;
	__u64 ts;

	if (!traced_now(pid_tgid >> 32))
		return 0;
	nr = regs->orig_ax;	/* -1 after rt_sigreturn restored the registers */
	conf = syscall_conf(nr == -1 ? NR_RT_SIGRETURN : nr);
	if (!(conf & VLT_SC_ENABLED))
		return 0;
	if (failed_only && !failed)
		goto drop_pending;
	st = get_stage();
	if (!st)
		return 0;
	c = &st->c;
	if (failed_only || (conf >> VLT_SC_STRMASK_SHIFT) & VLT_SC_STRMASK_MASK)
		emit_pending(pid_tgid, nr);
	ts = bpf_ktime_get_ns();
	if ((s = stage_reserve(c, st, sizeof(*s), pid_tgid, ts))) {
		FILL_EXIT(s);
		stage_commit(c, st, sizeof(*s), ts);
	} else {
		x = reserve(c, sizeof(*x), pid_tgid, ts);
		if (!x)
			return 0;
		FILL_EXIT(x);
		submit(c, x, sizeof(*x));
	}
	/* execve: argv strings a fresh child had not faulted in, from the new image */
	if ((conf & VLT_SC_CAP_ENTRY) && (nr == NR_EXECVE || nr == NR_EXECVEAT))
		argv_again(pid_tgid, ts, nr, nr == NR_EXECVE ? 1 : 2, failed);
	if (conf & VLT_SC_CAP_EXIT) {
		/* the saved user registers still hold the arguments (x86-64: rdi rsi rdx r10 r8 r9) */
		__u64 args[VLT_MAX_ARGS] = { regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9 };

		capture(pid_tgid, ts, nr, nr, args, ret, 0, true, false);
	}
	return 0;
drop_pending:
	{
		__u32 tid = pid_tgid;

		bpf_map_delete_elem(&pending, &tid);
	}
	return 0;
}

/* A CPU that switches tasks writes its stage: a thread's packets are in the ring before it can
 * run on another CPU, so each thread's packets keep their order, and a thread that blocks
 * does not hold back what it wrote. */
SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	stage_sync(bpf_get_current_pid_tgid());
	return 0;
}

#include "process.bpf.h"
#include "signal.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
