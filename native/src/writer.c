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

int writer_append(struct vlt_writer *w, const void *packets, size_t len, __u64 count)
{
	const __u8 *p = packets;

	while (len) {
		size_t n = len < w->cap - w->len ? len : w->cap - w->len;

		memcpy(w->buf + w->len, p, n);
		w->len += n;
		p += n;
		len -= n;
		if (len && writer_flush(w))
			return -w->error;
	}
	w->written += count;
	return 0;
}

/* Bytes of the whole packets at the start of buf[0, n). */
static size_t whole_packets(const __u8 *buf, size_t n, __u64 *count)
{
	size_t at = 0;

	*count = 0;
	while (at + sizeof(struct vlt_hdr) <= n) {
		__u32 sz = ((const struct vlt_hdr *)(buf + at))->size;

		if (!sz || at + sz > n)
			break;
		at += sz;
		(*count)++;
	}
	return at;
}

int writer_flush(struct vlt_writer *w)
{
	size_t done = 0, good;
	__u64 kept = 0, all;
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
	/* keep the packets written whole; cut the partial one (the header is flushed alone first) */
	good = w->off ? whole_packets(w->buf, done, &kept) : 0;
	whole_packets(w->buf, w->len, &all);
	if (w->is_file && (ftruncate(w->fd, w->off + good) || lseek(w->fd, w->off + good, SEEK_SET) < 0))
		fprintf(stderr, "Failed to truncate output: %s\n", strerror(errno));
	if (w->off)
		w->written -= all - kept;
	w->off += good;
	w->len = 0;
	w->error = err;
	if (err != EPIPE)	/* the reader of a pipe went away: not worth a message */
		fprintf(stderr, "Failed to write output: %s\n", strerror(err));
	return -err;
}

int writer_record(void *ctx, void *data, size_t size)
{
	struct vlt_writer *w = ctx;
	const struct vlt_hdr *h = data;
	__u32 type;

	if (w->error)
		return -w->error;
	/* the kernel side reserves fixed-size records; the packet says how much of it is used */
	if (size < sizeof(*h) || h->size < sizeof(*h) || h->size > size || (h->size & 7))
		return 0;
	if (w->len + h->size > w->cap && writer_flush(w))
		return -w->error;
	memcpy(w->buf + w->len, data, h->size);
	w->len += h->size;
	w->written++;
	type = h->info & VLT_INFO_TYPE_MASK;
	w->by_type[type]++;
	if (w->track_exits && type == VLT_PT_PROC_EXIT && w->nreap < VLT_MAX_REAP &&
	    (((const struct vlt_proc_exit *)h)->flags & VLT_PROC_EXIT_GROUP_DEAD))
		w->reap[w->nreap++] = h->pid_tid >> 32;
	return 0;
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
