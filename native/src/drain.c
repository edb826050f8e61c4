// SPDX-License-Identifier: BSD-3-Clause
/* drain.c: the recorder's own thread (never the JS one): ring buffer -> output, and the end of
 * a recording: no traced process left. Orphans reparented to us (-f) are reaped here. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "core.h"

/* No traced process left? The BPF program counts them; a pid given to us that was gone
 * before attach never had its exit seen, so it is dropped here. */
static int traced_empty(struct vlt_recorder *r)
{
	for (int i = 0; i < r->npids; i++) {
		__u32 pid = r->pids[i];

		if ((__atomic_load_n(&r->traced[pid / 64], __ATOMIC_RELAXED) & VLT_BIT(pid)) &&
		    kill(pid, 0) < 0 && errno == ESRCH &&
		    (__atomic_fetch_and(&r->traced[pid / 64], ~VLT_BIT(pid), __ATOMIC_SEQ_CST) & VLT_BIT(pid)))
			__atomic_fetch_sub(r->ntraced, 1, __ATOMIC_SEQ_CST);
	}
	return __atomic_load_n(r->ntraced, __ATOMIC_SEQ_CST) <= 0;
}

/* CPU time of this thread: what draining cost (--stats) */
static __u64 cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A stage left holding packets (its CPU runs a traced thread that makes no system call and
 * is not switched out, or has gone idle) is written when it is this old: the drain thread
 * moves to that CPU for a moment, and the task switch there writes it (sched_switch). This
 * bounds how late a packet reaches the output, well inside the readers' reorder window. */
#define STAGE_MAX_AGE 20000000ULL	/* ns */

static void flush_old_stages(struct vlt_recorder *r, const cpu_set_t *mine)
{
	__u64 now = now_ns();
	int moved = 0;

	for (int i = 0; r->stages && i < r->nstages && i < CPU_SETSIZE; i++) {
		struct vlt_stage *sg = vlt_stage_of(r, i);
		__u64 first = __atomic_load_n(&sg->first_ts, __ATOMIC_RELAXED);
		cpu_set_t one;

		if (!__atomic_load_n(&sg->len, __ATOMIC_RELAXED) || now < first + STAGE_MAX_AGE ||
		    !CPU_ISSET(i, mine))
			continue;
		CPU_ZERO(&one);
		CPU_SET(i, &one);
		/* returns once this thread runs there: that CPU has switched tasks */
		if (!sched_setaffinity(0, sizeof(one), &one))
			moved = 1;
	}
	if (moved)
		sched_setaffinity(0, sizeof(*mine), mine);
}

void *drain(void *arg)
{
	struct vlt_recorder *r = arg;
	__u64 last_flush = now_ns();
	cpu_set_t mine;
	int have_mine = !sched_getaffinity(0, sizeof(mine), &mine);

	/* on a busy machine a reader that waits for a CPU lets the ring fill and packets get lost:
	 * run ahead of ordinary work (it needs ~5% of a CPU); best effort (CAP_SYS_NICE) */
	setpriority(PRIO_PROCESS, gettid(), -10);

	while (!r->stopping) {
		/* wakeups come only when data crosses a threshold: the timeout is the fallback */
		long err = ring_poll(&r->ring, 50 /* ms */);

		if (err >= 0)
			err = ring_consume(&r->ring, writer_record, &r->w);
		/* a live reader (-l text) and a killed recorder lose at most ~100 ms of data */
		if (err >= 0 && r->w.len && now_ns() - last_flush >= 100000000ULL) {
			err = writer_flush(&r->w);
			last_flush = now_ns();
		}
		/* an output error ends the recording now (told at once, not at the next packet) */
		if (err < 0 && err != -EINTR) {
			if (r->on_idle && !r->idle_sent)
				r->on_idle(r->ctx, r->w.error ? r->w.error : (int)-err);
			r->idle_sent = 1;
			break;
		}
		if (have_mine)
			flush_old_stages(r, &mine);
		if (r->w.track_exits)
			writer_reap(&r->w, r->keep_pid);
		if (!r->system_wide && !r->idle_sent && traced_empty(r)) {
			r->idle_sent = 1;
			if (r->on_idle)
				r->on_idle(r->ctx, 0);
		}
	}
	r->drain_cpu_ns = cpu_ns();
	return NULL;
}
