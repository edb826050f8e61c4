// SPDX-License-Identifier: BSD-3-Clause
/* recorder.c: open -> set rodata -> load -> fill maps -> attach -> drain thread -> stop.
 * One cleanup path always detaches: BPF left attached slows every process on the machine. */
#define _GNU_SOURCE	/* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "trace.h"
#include "vltrace.h"
#include "vltrace.skel.h"
#include "core.h"


/* -d: libbpf's messages and the core's failures on stderr as they happen. Without it they
 * stay quiet: the caller reports a failure in its own words from vlt_last_error(). */
static int debug_output;
/* the last failure of this thread ("load BPF object: Operation not permitted") */
static __thread char last_error[256];

/* Writes to stderr whole, even when it is a pipe Node made non-blocking (stdio's vfprintf
 * would drop what does not fit at once: most of -d's output under a reader slower than libbpf). */
static int debug_vprint(const char *fmt, va_list args)
{
	char small[512], *buf = small;
	va_list again;
	int n;

	va_copy(again, args);
	n = vsnprintf(small, sizeof(small), fmt, args);
	if (n >= (int)sizeof(small) && (buf = malloc(n + 1)))
		vsnprintf(buf, n + 1, fmt, again);
	va_end(again);
	if (!buf)
		return -ENOMEM;
	for (int done = 0; n > 0 && done < n;) {
		ssize_t w = write(STDERR_FILENO, buf + done, n - done);

		if (w > 0) {
			done += w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { .fd = STDERR_FILENO, .events = POLLOUT };

			poll(&p, 1, 1000);
		} else {
			break;
		}
	}
	if (buf != small)
		free(buf);
	return n;
}

static int debug_print(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = debug_vprint(fmt, ap);
	va_end(ap);
	return n;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!debug_output)
		return 0;
	return debug_vprint(fmt, args);
}

static int fail_msg(int err, const char *fmt, ...)
{
	char msg[128];
	va_list ap;
	int n;

	libbpf_strerror(err, msg, sizeof(msg));	/* errnos, and libbpf's own (4000+) */
	va_start(ap, fmt);
	n = vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(last_error))
		snprintf(last_error + n, sizeof(last_error) - n, ": %s", msg);
	if (debug_output)
		debug_print("Failed to %s\n", last_error);
	return err;
}

static int fail(int err, const char *what)
{
	return fail_msg(err, "%s", what);
}

const char *vlt_last_error(void)
{
	return last_error;
}

/* The skeleton over the built-in object, or over -N's file (one code path: same maps,
 * programs and settings, checked by name and by the size of the settings). */
static int open_object(const char *path, struct vltrace_bpf **out, void **bytes)
{
	struct vltrace_bpf *skel = calloc(1, sizeof(*skel));
	int err;

	if (!skel)
		return -ENOMEM;
	err = vltrace_bpf__create_skeleton(skel);
	if (err)
		goto fail;
	if (path) {
		FILE *f = fopen(path, "rb");
		long n = -1;

		if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
		    (*bytes = malloc(n)) && fread(*bytes, 1, n, f) == (size_t)n) {
			skel->skeleton->data = *bytes;
			skel->skeleton->data_sz = n;
		} else {
			err = -(errno ? errno : EINVAL);
		}
		if (f)
			fclose(f);
		if (err) {
			fail_msg(err, "read BPF object %s", path);
			goto fail;
		}
	}
	err = bpf_object__open_skeleton(skel->skeleton, NULL);
	if (err)
		goto fail;
	if (bpf_map__value_size(skel->maps.rodata) != sizeof(*skel->rodata) ||
	    bpf_map__value_size(skel->maps.bss) != sizeof(*skel->bss)) {
		err = fail_msg(-EINVAL, "open BPF object %s (its settings differ from this recorder's)",
			       path ? path : "(built-in)");
		goto fail;
	}
	*out = skel;
	return 0;
fail:
	vltrace_bpf__destroy(skel);
	return err;
}

/* Bytes of packets per CPU between two forced wakeups of the reader: a power of 2, with all
 * CPUs at most a quarter of the ring (at least a page). */
static __u64 wakeup_bytes(__u64 ring_size)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 w = 4096;

	while (w * 2 * 4 * (ncpus > 0 ? ncpus : 1) <= ring_size)
		w *= 2;
	return w;
}

/* The ring buffer created on a thread of its own while libbpf prepares the object (parses the
 * kernel's BTF, relocates, creates the other maps): the kernel zeroes every page of it, 3-13 ms
 * for the default 16 MiB, the largest single step of the load after verification. libbpf ≥ 1.6
 * only (bpf_object__prepare): the map is given to libbpf as a one-page placeholder ring
 * (bpf_map__reuse_fd), whose descriptor number the programs' instructions then name; the real
 * ring takes that number (dup3) before the programs are loaded, which is when the kernel
 * resolves it. With an older libbpf (a source build against the system's) the load creates it. */
#if LIBBPF_MAJOR_VERSION > 1 || (LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION >= 6)
#define RING_AHEAD 1
#else
#define RING_AHEAD 0
#endif

struct ring_ahead {
	pthread_t thread;
	int started;
	__u64 size;
	int fd;		/* the ring, or -errno */
};

static void *create_ring(void *arg)
{
	struct ring_ahead *a = arg;

	a->fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, a->size, NULL);
	if (a->fd < 0)
		a->fd = -errno;
	return NULL;
}

/* The ring's descriptor once its thread is done: >= 0, or -errno (-EAGAIN: no thread ran). */
static int ring_ahead_join(struct ring_ahead *a)
{
	if (!a->started)
		return -EAGAIN;
	pthread_join(a->thread, NULL);
	a->started = 0;
	return a->fd;
}

/* Loads and verifies the object: prepare with a placeholder ring, then the real ring in its
 * place, then the programs (see RING_AHEAD); or libbpf's plain load. A failure of the ring
 * says so; any other is the caller's to name. */
static int load_object(struct vltrace_bpf *skel, struct ring_ahead *a)
{
#if RING_AHEAD
	int placeholder, fd, err;

	if (!a->started)
		return vltrace_bpf__load(skel);
	placeholder = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, getpagesize(), NULL);
	if (placeholder < 0)
		return -errno;	/* no right to create maps: the caller's "load BPF object" */
	err = bpf_map__reuse_fd(skel->maps.rb, placeholder);	/* libbpf keeps its own dup */
	close(placeholder);
	if (err)
		return fail(err, "create ring buffer");
	err = bpf_object__prepare(skel->obj);
	fd = ring_ahead_join(a);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (fd < 0)
		return fail(fd, "create ring buffer");
	/* O_CLOEXEC like libbpf's own: the command must not inherit the ring */
	err = dup3(fd, bpf_map__fd(skel->maps.rb), O_CLOEXEC) < 0 ? -errno : 0;
	close(fd);
	if (err)
		return fail(err, "create ring buffer");
#else
	(void)a;
#endif
	return vltrace_bpf__load(skel);
}

int vlt_open(const struct vlt_config *cfg, struct vlt_recorder **out)
{
	struct vlt_recorder *r = calloc(1, sizeof(*r));
	struct ring_ahead ahead = { .size = cfg->ring_size };
	int err, err2;

	if (!r)
		return -ENOMEM;
	r->ring.epfd = r->ring.wakefd = -1;
	r->system_wide = cfg->system_wide;
	r->on_idle = cfg->on_idle;
	r->ctx = cfg->ctx;
	/* libbpf's messages with -d only (a missing privilege is said in one line) */
	debug_output = cfg->debug;
	last_error[0] = 0;
	libbpf_set_print(libbpf_print_fn);

	/* The ring buffer, on its own thread while the object opens and is prepared (RING_AHEAD);
	 * without the thread the load creates it */
	if (RING_AHEAD)
		ahead.started = !pthread_create(&ahead.thread, NULL, create_ring, &ahead);

	/* Open the BPF object */
	err = open_object(cfg->obj_path, &r->skel, &r->obj_bytes);
	if (err) {
		if (!last_error[0])	/* open_object said more when it could */
			fail(err, "open BPF object");
		goto cleanup;
	}

	/* Settings, frozen into rodata at load */
	r->skel->rodata->self_tgid = getpid();
	r->skel->rodata->system_wide = !!cfg->system_wide;
	r->skel->rodata->follow_forks = !!cfg->follow_forks;
	r->skel->rodata->failed_only = !!cfg->failed_only;
	r->skel->rodata->str_mode = cfg->str_mode;
	r->skel->rodata->str_chunks = cfg->str_chunks ? cfg->str_chunks : 1;
	if (cfg->data_limit)
		r->skel->rodata->data_limit = cfg->data_limit;
	/* a quarter of the ring over all CPUs: the reader wakes long before it fills, rarely otherwise */
	r->skel->rodata->wakeup_bytes = wakeup_bytes(cfg->ring_size);
	err = bpf_map__set_max_entries(r->skel->maps.rb, cfg->ring_size);
	if (err) {
		fail(err, "size ring buffer");
		goto cleanup;
	}
	/* a batch takes at most an eighth of a small ring (4K: 512 bytes), so that some fit */
	r->skel->rodata->stage_limit = cfg->ring_size / 8 < VLT_STAGE_BYTES ? cfg->ring_size / 8 : VLT_STAGE_BYTES;
	/* a stage per possible CPU */
	r->nstages = libbpf_num_possible_cpus();
	err = r->nstages > 0 ? bpf_map__set_max_entries(r->skel->maps.stage, r->nstages) : r->nstages;
	if (err) {
		fail(err, "size per-CPU stages");
		goto cleanup;
	}

	/* Load and verify */
	err = load_object(r->skel, &ahead);
	if (err) {
		if (!last_error[0])
			fail(err, "load BPF object");
		goto cleanup;
	}

	/* The per-syscall configuration (-e, argument counts, string arguments) */
	if (cfg->sc_conf) {
		err = vlt_set_syscalls(r, cfg->sc_conf, cfg->sc_conf_len, cfg->unknown_conf);
		if (err)
			goto cleanup;
	}

	/* Orphans of followed processes are reparented to us, so we see (and reap) them to the end */
	if (cfg->subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		err = fail(-errno, "become child subreaper");
		goto cleanup;
	}

	/* The consumer of the ring buffer */
	err = ring_open(&r->ring, bpf_map__fd(r->skel->maps.rb));
	if (err) {
		fail(err, "map ring buffer");
		goto cleanup;
	}
	/* The traced set, read and written in place (the BPF program updates it atomically) */
	r->traced = mmap(NULL, VLT_TRACED_WORDS * sizeof(__u64), PROT_READ | PROT_WRITE, MAP_SHARED,
			 bpf_map__fd(r->skel->maps.traced), 0);
	if (r->traced == MAP_FAILED) {
		r->traced = NULL;
		err = fail(-errno, "map traced set");
		goto cleanup;
	}
	/* The stages, read in place: how old their packets are, and what is left at stop */
	r->stages_len = (size_t)r->nstages * VLT_STAGE_STRIDE;
	r->stages = mmap(NULL, r->stages_len, PROT_READ, MAP_SHARED, bpf_map__fd(r->skel->maps.stage), 0);
	if (r->stages == MAP_FAILED) {
		r->stages = NULL;
		err = fail(-errno, "map per-CPU stages");
		goto cleanup;
	}
	r->ntraced = &r->skel->bss->ntraced;
	r->w.fd = -1;
	r->w.track_exits = cfg->subreaper;
	*out = r;
	return 0;
cleanup:
	if ((err2 = ring_ahead_join(&ahead)) >= 0)	/* a failure before the ring was taken */
		close(err2);
	vlt_close(r);
	return err;
}

int vlt_set_syscalls(struct vlt_recorder *r, const __u32 *sc_conf, __u32 len, __u32 unknown_conf)
{
	__u32 keys[VLT_MAX_SYSCALLS], vals[VLT_MAX_SYSCALLS], count = VLT_MAX_SYSCALLS;
	__u32 n = len < VLT_MAX_SYSCALLS ? len : VLT_MAX_SYSCALLS;
	int fd = bpf_map__fd(r->skel->maps.sc_conf), err;

	if (r->started)
		return fail(-EALREADY, "set syscalls");
	/* the whole array in one bpf(2) call (every entry: a set replaces the previous one) */
	for (__u32 nr = 0; nr < VLT_MAX_SYSCALLS; nr++) {
		keys[nr] = nr;
		vals[nr] = nr < n ? sc_conf[nr] : 0;
	}
	err = bpf_map_update_batch(fd, keys, vals, &count, NULL);
	if (err) {
		/* kernels before 5.6 have no batch: one call per entry */
		for (__u32 nr = 0; nr < VLT_MAX_SYSCALLS && !err; nr++)
			err = bpf_map_update_elem(fd, &nr, &vals[nr], BPF_ANY);
	}
	if (err)
		return fail(-errno, "fill syscall map");
	r->skel->bss->unknown_conf = unknown_conf;
	return 0;
}

int vlt_set_captures(struct vlt_recorder *r, const __u32 *caps, __u32 len)
{
	static __u32 keys[VLT_MAX_SYSCALLS];
	static struct vlt_sc_cap vals[VLT_MAX_SYSCALLS];
	__u32 count = VLT_MAX_SYSCALLS;
	int fd = bpf_map__fd(r->skel->maps.sc_cap), err;

	if (r->started)
		return fail(-EALREADY, "set captures");
	memset(vals, 0, sizeof(vals));
	for (__u32 nr = 0; nr < VLT_MAX_SYSCALLS; nr++) {
		keys[nr] = nr;
		for (__u32 i = 0; i < VLT_CAP_SLOTS && nr * VLT_CAP_SLOTS + i < len; i++)
			vals[nr].desc[i] = caps[nr * VLT_CAP_SLOTS + i];
	}
	err = bpf_map_update_batch(fd, keys, vals, &count, NULL);
	if (err) {
		/* kernels before 5.6 have no batch: one call per entry */
		err = 0;
		for (__u32 nr = 0; nr < VLT_MAX_SYSCALLS && !err; nr++)
			err = bpf_map_update_elem(fd, &nr, &vals[nr], BPF_ANY);
	}
	if (err)
		return fail(-errno, "fill capture map");
	return 0;
}

int vlt_add_pid(struct vlt_recorder *r, __u32 pid, int armed)
{
	if (r->started || r->npids == (int)(sizeof(r->pids) / sizeof(r->pids[0])) ||
	    pid >= VLT_TRACED_WORDS * 64)
		return fail(-EINVAL, "add pid to traced set");
	if (!(__atomic_fetch_or(&r->traced[pid / 64], VLT_BIT(pid), __ATOMIC_SEQ_CST) & VLT_BIT(pid)))
		__atomic_fetch_add(r->ntraced, 1, __ATOMIC_SEQ_CST);
	if (armed) {
		r->skel->bss->armed_tgid = pid;
		r->keep_pid = pid;
	}
	r->pids[r->npids++] = pid;
	return 0;
}

int vlt_start(struct vlt_recorder *r, int out_fd, const void *header, size_t header_len,
	      const void *prologue, size_t prologue_len, __u64 npackets)
{
	int err;

	if (r->started)
		return -EALREADY;
	/* The header first: the output is readable from the first packet on */
	err = writer_init(&r->w, out_fd, header, header_len, r->w.track_exits);
	if (err)
		return fail(err, "write the output");
	/* Packets of user space (processes that ran before): events, like the kernel's */
	err = writer_append(&r->w, prologue, prologue_len, npackets);
	if (err)
		return fail(err, "write the output");
	r->user_events = npackets;
	/* Attach the tracepoints */
	err = vltrace_bpf__attach(r->skel);
	if (err) {
		/* the programs attached before the one that failed stay attached otherwise */
		vltrace_bpf__detach(r->skel);
		return fail(err, "attach BPF programs");
	}
	r->started = 1;
	/* Drain on our own thread, never on the JS one */
	err = -pthread_create(&r->thread, NULL, drain, r);
	if (err) {
		vltrace_bpf__detach(r->skel);
		r->started = 0;
		return fail(err, "start drain thread");
	}
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/* Each tracepoint link waits for an RCU grace period when it goes (~10 ms): destroyed in
 * parallel they share it, and stopping takes one wait instead of five. */
static void detach_all(struct vltrace_bpf *skel)
{
	struct bpf_object_skeleton *s = skel->skeleton;
	pthread_t threads[16];
	int started[16] = {};

	for (int i = 0; i < s->prog_cnt && i < 16; i++) {
		struct bpf_link **link = s->progs[i].link;

		if (!*link)
			continue;
		started[i] = !pthread_create(&threads[i], NULL, destroy_link, *link);
		if (!started[i])
			bpf_link__destroy(*link);
		*link = NULL;
	}
	for (int i = 0; i < s->prog_cnt && i < 16; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	vltrace_bpf__detach(skel);	/* any beyond 16 */
}

static void read_counters(struct vlt_recorder *r, struct vlt_stats *st)
{
	int ncpus = r->stages && r->nstages <= VLT_MAX_CPUS ? r->nstages : 0;

	st->events = st->lost = st->deferred = 0;
	st->ncpus = ncpus;
	st->events = r->user_events;
	/* each CPU's counters, in its stage (mapped) */
	for (int i = 0; i < ncpus; i++) {
		const struct vlt_counters *c = &vlt_stage_of(r, i)->c;
		__u64 lost = __atomic_load_n(&c->lost, __ATOMIC_RELAXED);

		st->events += __atomic_load_n(&c->events, __ATOMIC_RELAXED);
		st->lost += lost;
		st->deferred += __atomic_load_n(&c->deferred, __ATOMIC_RELAXED);
		st->lost_per_cpu[i] = lost;
	}
}

void vlt_get_stats(struct vlt_recorder *r, struct vlt_stats *st)
{
	memset(st, 0, sizeof(*st));
	read_counters(r, st);
	st->written = r->w.written;
	st->bytes = r->w.off + r->w.len;
	memcpy(st->by_type, r->w.by_type, sizeof(st->by_type));
	st->write_error = r->w.error;
	st->drain_cpu_ns = r->drain_cpu_ns;
	st->running = r->started && !r->stopped;
}

int vlt_stop(struct vlt_recorder *r, int interrupted, struct vlt_stats *st)
{
	struct vlt_stats local;
	int err;

	if (!st)
		st = &local;
	if (!r->started || r->stopped)
		return -EINVAL;
	/* Detach first: nothing is produced after this, so events == written + lost */
	detach_all(r->skel);
	r->stopped = 1;
	/* Stop the drain thread, then take what is left in the ring */
	r->stopping = 1;
	ring_wake(&r->ring);
	pthread_join(r->thread, NULL);
	if (!r->w.error)
		ring_consume(&r->ring, writer_record, &r->w);
	/* Then what the stages still hold: with the programs detached, nothing writes them (the
	 * detach waits for the programs running); each holds the last packets of the thread that
	 * ran on its CPU, whose earlier ones are in the ring, so they come after */
	for (int i = 0; r->stages && i < r->nstages && !r->w.error; i++) {
		struct vlt_stage *sg = vlt_stage_of(r, i);
		__u32 len = __atomic_load_n(&sg->len, __ATOMIC_ACQUIRE);

		if (len && len <= VLT_STAGE_BYTES)
			writer_append(&r->w, sg->buf, len, sg->n);
	}
	/* The trailer: the totals */
	read_counters(r, st);
	err = writer_trailer(&r->w, st, (interrupted ? VLT_TRAILER_INTERRUPTED : 0) |
					 (r->w.error ? VLT_TRAILER_WRITE_ERROR : 0));
	vlt_get_stats(r, st);
	return err;
}

void vlt_close(struct vlt_recorder *r)
{
	if (!r)
		return;
	if (r->started && !r->stopped)
		vlt_stop(r, 1, NULL);
	ring_close(&r->ring);
	if (r->stages)
		munmap(r->stages, r->stages_len);
	if (r->traced)
		munmap(r->traced, VLT_TRACED_WORDS * sizeof(__u64));
	writer_free(&r->w);
	vltrace_bpf__destroy(r->skel);
	free(r->obj_bytes);
	free(r);
}

int vlt_list_btf_funcs(void (*cb)(const char *name, void *ctx), void *ctx)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int err = libbpf_get_error(btf);

	if (err)
		return fail(err, "load kernel BTF");
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t))
			cb(btf__name_by_offset(btf, t->name_off), ctx);
	}
	btf__free(btf);
	return 0;
}
