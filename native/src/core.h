/* SPDX-License-Identifier: BSD-3-Clause */
/* core.h: internals shared by recorder.c (lifecycle) and writer.c (output). */
#ifndef VLT_CORE_H
#define VLT_CORE_H

#include <pthread.h>
#include "recorder.h"
#include "vltrace.h"

#define VLT_MAX_REAP 1024

/* tgid bit of the traced set */
#define VLT_BIT(tgid) (1ULL << ((tgid) % 64))

/* The output: header, packets copied from the ring in large write(2)s, trailer. */
struct vlt_writer {
	int fd;
	int is_file;			/* regular file: cut back to a packet boundary on errors */
	__u8 *buf;
	size_t len, cap;
	__u64 off;			/* bytes in the output so far */
	__u64 written;			/* packets in the output (and in buf) */
	__u64 by_type[VLT_NTYPES];
	int error;			/* errno of the first output error */
	/* processes whose death was seen: reaped if they were orphans reparented to us */
	int track_exits;
	__u32 reap[VLT_MAX_REAP];
	int nreap;
};

/* A BPF ring buffer, mapped and read directly (ringbuf.c). */
struct vlt_ring {
	int epfd, wakefd;
	size_t page, size;
	unsigned long *consumer_pos;
	unsigned long *producer_pos;
	__u8 *data;
};

int ring_open(struct vlt_ring *r, int map_fd);
/* waits for a wakeup: 1, 0 on timeout, or -errno */
int ring_poll(struct vlt_ring *r, int timeout_ms);
/* calls cb for every record available; returns the count or cb's error */
long ring_consume(struct vlt_ring *r, int (*cb)(void *ctx, void *data, size_t size), void *ctx);
/* makes a ring_poll() in another thread return now */
void ring_wake(struct vlt_ring *r);
void ring_close(struct vlt_ring *r);

/* A recorder (recorder.c); the drain thread (drain.c) reads it too. */
struct vltrace_bpf;
struct vlt_recorder {
	struct vltrace_bpf *skel;
	__u64 *traced;			/* the traced bits (mapped): a bit per tgid */
	__s64 *ntraced;			/* bits set; kept by the BPF program once attached */
	__u32 pids[64];			/* pids added by vlt_add_pid: dead before attach? */
	int npids;
	void *obj_bytes;		/* -N object file contents */
	struct vlt_ring ring;
	struct vlt_stage *stages;	/* the per-CPU stages (mapped, read-only): their age, and the rest at stop */
	size_t stages_len;		/* bytes mapped */
	int nstages;
	struct vlt_writer w;
	pthread_t thread;
	volatile int stopping;
	int system_wide;
	int started, stopped, idle_sent;
	__u64 user_events;		/* packets of the prologue */
	__u64 drain_cpu_ns;		/* CPU time of the drain thread, when it ended */
	__u32 keep_pid;			/* the command: libuv waits for it, never reap it here */
	void (*on_idle)(void *ctx, int err);
	void *ctx;
};

/* the drain thread: ring -> writer until stopping; tells on_idle when no traced process is left */
void *drain(void *arg);
/* bytes between two stages in the mapped stage array (an array map's values are 8-aligned) */
#define VLT_STAGE_STRIDE ((sizeof(struct vlt_stage) + 7) & ~(size_t)7)
/* the stage of CPU i in the mapped stage array */
static inline struct vlt_stage *vlt_stage_of(struct vlt_recorder *r, int i)
{
	return (struct vlt_stage *)((__u8 *)r->stages + (size_t)i * VLT_STAGE_STRIDE);
}

int writer_init(struct vlt_writer *w, int fd, const void *header, size_t len, int track_exits);
/* appends packets made in user space (whole packets, counted as written) */
int writer_append(struct vlt_writer *w, const void *packets, size_t len, __u64 count);
/* ring_buffer__new callback: one ring record, the packet is its first `size` bytes */
int writer_record(void *ctx, void *data, size_t size);
int writer_flush(struct vlt_writer *w);
int writer_trailer(struct vlt_writer *w, const struct vlt_stats *st, __u32 flags);
/* waitpid() the dead processes that are our children (orphans), except `keep` */
void writer_reap(struct vlt_writer *w, __u32 keep);
void writer_free(struct vlt_writer *w);

#endif /* VLT_CORE_H */
