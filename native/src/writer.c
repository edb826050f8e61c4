// SPDX-License-Identifier: BSD-3-Clause
/* writer.c: appends packets to the output with large write(2)s. An output error (ENOSPC,
 * EIO) stops the recording and leaves the file readable: complete packets only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "trace.h"
#include "core.h"

#define WRITE_BUF (4 << 20)	/* bytes per write(2) */

int writer_init(struct vlt_writer *w, int fd, const void *header, size_t len, int track_exits)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->is_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	w->track_exits = track_exits;
	w->cap = WRITE_BUF > len ? WRITE_BUF : len;
	w->buf = malloc(w->cap);
	if (!w->buf)
		return -ENOMEM;
	memcpy(w->buf, header, len);
	w->len = len;
	return writer_flush(w);
}

/* Counts a packet as in the output (written, by type); track exits for the reaper. */
static void count_packet(struct vlt_writer *w, const struct vlt_hdr *h)
{
	__u32 type = h->info & VLT_INFO_TYPE_MASK;

	w->written++;
	w->by_type[type]++;
	if (w->track_exits && type == VLT_PT_PROC_EXIT && w->nreap < VLT_MAX_REAP &&
	    (((const struct vlt_proc_exit *)h)->flags & VLT_PROC_EXIT_GROUP_DEAD))
		w->reap[w->nreap++] = h->pid_tid >> 32;
}

/* Copies one whole packet into the buffer, flushing first when it does not fit. */
static int append_packet(struct vlt_writer *w, const struct vlt_hdr *h)
{
	if (w->error)
		return -w->error;
	if (w->len + h->size > w->cap && writer_flush(w))
		return -w->error;
	memcpy(w->buf + w->len, h, h->size);
	w->len += h->size;
	count_packet(w, h);
	return 0;
}

int writer_append(struct vlt_writer *w, const void *packets, size_t len, __u64 count)
{
	const __u8 *p = packets;
	size_t at = 0;

	/* packet by packet, so that the counts by type hold them too (an output error uncounts
	 * exactly what did not reach the output) */
	for (__u64 i = 0; i < count && at + sizeof(struct vlt_hdr) <= len; i++) {
		const struct vlt_hdr *h = (const struct vlt_hdr *)(p + at);

		if (h->size < sizeof(*h) || at + h->size > len)
			return -EINVAL;
		if (append_packet(w, h))
			return -w->error;
		at += h->size;
	}
	return 0;
}

/* Bytes of the whole packets at the start of buf[0, n). */
static size_t whole_packets(const __u8 *buf, size_t n)
{
	size_t at = 0;

	while (at + sizeof(struct vlt_hdr) <= n) {
		__u32 sz = ((const struct vlt_hdr *)(buf + at))->size;

		if (!sz || at + sz > n)
			break;
		at += sz;
	}
	return at;
}

/* Takes the packets of buf[from, to) out of the counts: they never reached the output. */
static void uncount(struct vlt_writer *w, size_t from, size_t to)
{
	while (from + sizeof(struct vlt_hdr) <= to) {
		const struct vlt_hdr *h = (const struct vlt_hdr *)(w->buf + from);

		if (!h->size)
			break;
		w->written--;
		w->by_type[h->info & VLT_INFO_TYPE_MASK]--;
		from += h->size;
	}
}

int writer_flush(struct vlt_writer *w)
{
	size_t done = 0, good;
	int err = 0;

	while (done < w->len) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += n;
	}
	if (!err) {
		w->off += done;
		w->len = 0;
		return 0;
	}
	/* keep the packets written whole; cut the partial one (the header is flushed alone
	 * first, so a failed first flush holds no packet) */
	good = w->off ? whole_packets(w->buf, done) : 0;
	if (w->is_file && (ftruncate(w->fd, w->off + good) || lseek(w->fd, w->off + good, SEEK_SET) < 0))
		fprintf(stderr, "vltrace-record: cannot cut the output back to whole packets: %s\n", strerror(errno));
	if (w->off)
		uncount(w, good, w->len);
	w->off += good;
	w->len = 0;
	w->error = err;	/* reported by the caller (vltrace-record says what it means) */
	return -err;
}

int writer_record(void *ctx, void *data, size_t size)
{
	struct vlt_writer *w = ctx;
	const struct vlt_hdr *h = data;

	if (w->error)
		return -w->error;
	/* a batch from a CPU's stage: whole packets, VLT_STAGE_MARK bytes more (vltrace.h) */
	if ((size & 7) == VLT_STAGE_MARK) {
		const __u8 *p = data;
		size_t at = 0, len = size - VLT_STAGE_MARK;

		while (at + sizeof(*h) <= len) {
			h = (const struct vlt_hdr *)(p + at);
			if (h->size < sizeof(*h) || at + h->size > len || (h->size & 7))
				return 0;
			if (append_packet(w, h))
				return -w->error;
			at += h->size;
		}
		return 0;
	}
	/* the kernel side reserves fixed-size records; the packet says how much of it is used */
	if (size < sizeof(*h) || h->size < sizeof(*h) || h->size > size || (h->size & 7))
		return 0;
	return append_packet(w, h);
}

int writer_trailer(struct vlt_writer *w, const struct vlt_stats *st, __u32 flags)
{
	size_t size = sizeof(struct vlt_trailer) + 8 * st->ncpus;
	struct vlt_trailer *t;
	struct timespec now;

	if (w->error)
		return -w->error;
	if (w->len + size > w->cap && writer_flush(w))
		return -w->error;
	t = (struct vlt_trailer *)(w->buf + w->len);
	memset(t, 0, size);
	clock_gettime(CLOCK_MONOTONIC, &now);	/* bpf_ktime_get_ns's clock */
	t->size = size;
	t->info = VLT_PT_TRAILER;
	t->pid_tid = (__u64)getpid() << 32 | (__u32)gettid();
	t->ts = (__u64)now.tv_sec * 1000000000ULL + now.tv_nsec;
	t->events = st->events;
	t->written = w->written;
	t->lost = st->lost;
	t->ncpus = st->ncpus;
	t->flags = flags;
	memcpy(t->lost_per_cpu, st->lost_per_cpu, 8 * st->ncpus);
	w->len += size;
	return writer_flush(w);
}

void writer_reap(struct vlt_writer *w, __u32 keep)
{
	int i = 0, status;

	while (i < w->nreap) {
		__u32 pid = w->reap[i];
		/* 0: not a zombie yet (the exit tracepoint comes first), try again next time;
		 * ECHILD: not our child, its parent reaps it */
		pid_t got = pid == keep ? -1 : waitpid(pid, &status, WNOHANG | __WALL);

		if (got == 0) {
			i++;
			continue;
		}
		w->reap[i] = w->reap[--w->nreap];
	}
}

void writer_free(struct vlt_writer *w)
{
	free(w->buf);
	w->buf = NULL;
}
