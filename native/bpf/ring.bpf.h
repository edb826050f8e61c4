/* SPDX-License-Identifier: BSD-3-Clause */
/* ring.bpf.h: writing packets to the ring buffer: reserve/submit or output, wakeups only when
 * the pending data crosses a threshold, and lost packets counted per CPU and reported in a
 * LOST packet before the next packet that finds room. Included by vltrace.bpf.c only. */

static __always_inline void note_lost(struct vlt_counters *c, __u64 ts)
{
	if (!c->pending_lost)
		c->first_ts = ts;
	c->pending_lost++;
	c->last_ts = ts;
	c->lost++;
}

/* A lost batch is lost packets: n of them, from first to last. */
static __always_inline void note_lost_n(struct vlt_counters *c, __u64 n, __u64 first, __u64 last)
{
	if (!c->pending_lost)
		c->first_ts = first;
	c->pending_lost += n;
	c->last_ts = last;
	c->lost += n;
}

/* Wake the reader each time the packets of this CPU cross a multiple of wakeup_bytes (a power
 * of two, at most a quarter of the ring over all CPUs): a wakeup per packet costs ~3 us, and
 * waking "while above" a threshold wakes on every packet once the reader lags. A per-CPU count
 * instead of bpf_ringbuf_query(): no helper call and no read of the reader's position. */
static __always_inline __u64 wakeup_flag(struct vlt_counters *c, __u64 size)
{
	__u64 before = c->bytes, after = before + ((size + RB_HDR + 7) & ~7ULL);

	c->bytes = after;
	return (before ^ after) & ~(wakeup_bytes - 1) ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void submit(struct vlt_counters *c, void *p, __u64 size)
{
	bpf_ringbuf_submit(p, wakeup_flag(c, size));
}

/* Report packets lost on this CPU before the next packet that finds room. */
static __noinline void flush_lost(struct vlt_counters *c, __u64 pid_tgid, __u64 ts)
{
	struct vlt_lost *l = bpf_ringbuf_reserve(&rb, sizeof(*l), 0);

	if (!l)
		return;	/* still full: reported with a later packet */
	l->size = sizeof(*l);
	l->info = VLT_PT_LOST;
	l->pid_tid = pid_tgid;
	l->ts = ts;
	l->cpu = bpf_get_smp_processor_id();
	l->reserved = 0;
	l->count = c->pending_lost;
	l->first_ts = c->first_ts;
	l->last_ts = c->last_ts;
	c->pending_lost = 0;
	c->events++;
	submit(c, l, sizeof(*l));
}

/* Reserves a fixed-size record directly in the ring, after what the stage holds; the packet's
 * own size field may be smaller (the core copies exactly `size` bytes), which keeps the path
 * free of a copy. */
#define reserve(c, sz, pid_tgid, ts)                                     \
	({                                                              \
		void *__p;                                              \
		stage_sync(pid_tgid);                                   \
		if ((c)->pending_lost)                                  \
			flush_lost(c, pid_tgid, ts);                    \
		(c)->events++;                                          \
		__p = bpf_ringbuf_reserve(&rb, sz, 0);                  \
		if (!__p)                                               \
			note_lost(c, ts);                               \
		__p;                                                    \
	})


/* Per-CPU staging (vltrace.h says why and when a stage is written). A program takes its CPU's
 * stage by setting busy; a program that finds it busy (one that interrupted another on this
 * CPU: signal_generate in an interrupt) writes to the ring directly instead. */
/* Writes this CPU's batch as one ring record (busy held by the caller). A global function:
 * one copy of the verification for the many callers; scalar arguments only, like the others
 * (older kernels verify nothing else in a global function's arguments). */
__noinline int stage_flush(__u64 pid_tgid)
{
	struct vlt_stage *st = get_stage();
	struct vlt_counters *c;
	__u32 len;

	if (!st)
		return 0;
	c = &st->c;
	len = st->len;
	if (!len || len > VLT_STAGE_BYTES)
		return 0;
	if (c->pending_lost)
		flush_lost(c, pid_tgid, st->first_ts);
	if (bpf_ringbuf_output(&rb, st->buf, len + VLT_STAGE_MARK, wakeup_flag(c, len + VLT_STAGE_MARK)))
		note_lost_n(c, st->n, st->first_ts, st->last_ts);
	st->len = 0;
	st->n = 0;
	return 0;
}

/* Before a packet written to the ring directly, and at a task switch: the stage first, so the
 * order holds. */
static __always_inline void stage_sync(__u64 pid_tgid)
{
	struct vlt_stage *st = get_stage();

	if (!st || st->busy || !st->len)
		return;
	st->busy = 1;
	stage_flush(pid_tgid);
	st->busy = 0;
}

/* Room for a packet of `size` bytes (at most VLT_STAGE_ROOM) in the stage, which it takes;
 * NULL if another program holds it. stage_commit() counts the packet and lets the stage go. */
static __always_inline void *stage_reserve(struct vlt_counters *c, struct vlt_stage *st, __u32 size,
					   __u64 pid_tgid, __u64 ts)
{
	__u32 off;

	if (st->busy)
		return NULL;
	st->busy = 1;
	off = st->len;
	if (off + size > stage_limit) {
		stage_flush(pid_tgid);
		off = 0;
	}
	if (!off)
		st->first_ts = ts;
	return st->buf + (off & (VLT_STAGE_BYTES - 1));
}

static __always_inline void stage_commit(struct vlt_counters *c, struct vlt_stage *st, __u32 size,
					 __u64 ts)
{
	st->len += size;
	st->n++;
	st->last_ts = ts;
	st->busy = 0;
	c->events++;
}

/* Copies a packet built in a scratch buffer of at least `max` bytes into the stage, or into the
 * ring (exact size) when it is larger than a stage takes or the stage is busy. */
static __always_inline void output(struct vlt_counters *c, void *data, __u64 size, __u64 max,
				   __u64 pid_tgid, __u64 ts)
{
	struct vlt_stage *st = get_stage();
	void *p;

	if (st && size <= VLT_STAGE_ROOM && size <= max && (p = stage_reserve(c, st, size, pid_tgid, ts))) {
		if (bpf_probe_read_kernel(p, size, data)) {
			st->busy = 0;
			c->events++;
			note_lost(c, ts);
			return;
		}
		stage_commit(c, st, size, ts);
		return;
	}
	stage_sync(pid_tgid);
	if (c->pending_lost)
		flush_lost(c, pid_tgid, ts);
	c->events++;
	if (size > max || bpf_ringbuf_output(&rb, data, size, wakeup_flag(c, size)))
		note_lost(c, ts);
}
