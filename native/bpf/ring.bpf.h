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

/* Reserves a fixed-size record; the packet's own size field may be smaller (the core copies
 * exactly `size` bytes), which keeps the hot path free of a copy. */
#define reserve(c, sz, pid_tgid, ts)                                     \
	({                                                              \
		void *__p;                                              \
		if ((c)->pending_lost)                                  \
			flush_lost(c, pid_tgid, ts);                    \
		(c)->events++;                                          \
		__p = bpf_ringbuf_reserve(&rb, sz, 0);                  \
		if (!__p)                                               \
			note_lost(c, ts);                               \
		__p;                                                    \
	})

/* Copies a packet built in a scratch buffer of at least `max` bytes into the ring (exact size). */
static __always_inline void output(struct vlt_counters *c, void *data, __u64 size, __u64 max,
				   __u64 pid_tgid, __u64 ts)
{
	if (c->pending_lost)
		flush_lost(c, pid_tgid, ts);
	c->events++;
	if (size > max || bpf_ringbuf_output(&rb, data, size, wakeup_flag(c, size)))
		note_lost(c, ts);
}
