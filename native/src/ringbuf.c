// SPDX-License-Identifier: BSD-3-Clause
/* ringbuf.c: a BPF ring buffer consumer. Like libbpf's ring_buffer__consume, but it publishes
 * the consumer position once per batch instead of once per record: that store shares a cache
 * line with the producers on every CPU, and per record it made the reader fall behind (and
 * lose packets) at ~2M packets/s. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "core.h"

#define PUBLISH_EVERY (256 << 10)	/* bytes consumed between two consumer_pos updates */
#define PREFETCH_AHEAD 512		/* bytes: ~8 records of a plain syscall */

int ring_open(struct vlt_ring *r, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct epoll_event ev = { .events = EPOLLIN };
	void *p;

	memset(r, 0, sizeof(*r));
	r->epfd = r->wakefd = -1;
	r->page = sysconf(_SC_PAGESIZE);
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	r->size = info.max_entries;
	/* page 0: consumer position (ours to write) */
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->consumer_pos = p;
	/* page 1: producer position; then the data, mapped twice so records never wrap */
	p = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (p == MAP_FAILED)
		return -errno;
	r->producer_pos = p;
	r->data = (__u8 *)p + r->page;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, map_fd, &ev))
		return -errno;
	/* ring_wake() ends a wait at once (stop must not wait for the poll timeout) */
	r->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wakefd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->wakefd, &ev))
		return -errno;
	return 0;
}

int ring_poll(struct vlt_ring *r, int timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(r->epfd, &ev, 1, timeout_ms);

	return n < 0 ? -errno : n;
}

long ring_consume(struct vlt_ring *r, int (*cb)(void *ctx, void *data, size_t size), void *ctx)
{
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	unsigned long published = cons, prod;
	long n = 0;
	int err = 0;

	while ((prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE)) > cons) {
		while (cons < prod) {
			__u32 *hdr = (__u32 *)(r->data + (cons & (r->size - 1)));
			__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			/* the records were written on other CPUs: ask for the lines a few records
			 * ahead (the data is mapped twice, so past the end is still the ring) */
			__builtin_prefetch((__u8 *)hdr + PREFETCH_AHEAD);
			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;	/* reserved, not yet submitted */
			cons += ((len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) +
				 BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				err = cb(ctx, (__u8 *)hdr + BPF_RINGBUF_HDR_SZ, len);
				if (err)
					goto out;
				n++;
			}
			if (cons - published >= PUBLISH_EVERY) {
				__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
				published = cons;
			}
		}
	}
out:
	if (cons != published)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return err ? err : n;
}

void ring_wake(struct vlt_ring *r)
{
	__u64 one = 1;

	if (r->wakefd >= 0 && write(r->wakefd, &one, sizeof(one)) < 0)
		return;	/* already signalled (EAGAIN): fine */
}

void ring_close(struct vlt_ring *r)
{
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->wakefd >= 0)
		close(r->wakefd);
	if (r->producer_pos)
		munmap(r->producer_pos, r->page + 2 * r->size);
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	memset(r, 0, sizeof(*r));
	r->epfd = r->wakefd = -1;
}
