/* SPDX-License-Identifier: BSD-3-Clause */
/* recorder.h: the native recorder core. Lifecycle: vlt_open (open, set rodata, load, fill
 * maps) -> vlt_add_pid -> vlt_start (attach, drain thread) -> vlt_stop (detach, drain,
 * trailer) -> vlt_close. Every function returns 0 or a negative errno; what failed is kept
 * for vlt_last_error() ("<verb> <object>: <strerror>"), and printed on stderr as
 * "Failed to ..." only with config.debug, like libbpf's own messages. */
#ifndef VLT_RECORDER_H
#define VLT_RECORDER_H

#include <stddef.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VLT_MAX_CPUS 1024
#define VLT_NTYPES 16

struct vlt_config {
	const char *obj_path;		/* -N: a vltrace.bpf.o to load instead of the built-in one */
	__u64 ring_size;		/* bytes, a power of 2 and a multiple of the page size */
	int system_wide;		/* trace every process but this one */
	int follow_forks;		/* -f */
	int failed_only;		/* -X */
	int subreaper;			/* PR_SET_CHILD_SUBREAPER and reap orphaned traced processes */
	int debug;			/* libbpf's messages and the core's failures on stderr */
	__u32 str_mode;			/* VLT_STR_* */
	__u32 str_chunks;		/* N of the const/full modes (1 for packet) */
	/* VLT_SC_* per syscall number, and for numbers >= VLT_MAX_SYSCALLS; NULL: set them
	 * with vlt_set_syscalls() (after the load, before vlt_start) */
	const __u32 *sc_conf;
	__u32 sc_conf_len;
	__u32 unknown_conf;
	/* called on the drain thread: no traced process left (err 0), or an output error */
	void (*on_idle)(void *ctx, int err);
	void *ctx;
};

struct vlt_stats {
	__u64 events;			/* packets produced or attempted in the kernel */
	__u64 written;			/* packets written to the output (trailer excluded) */
	__u64 lost;			/* packets the ring buffer had no room for */
	__u64 bytes;			/* bytes written, header included */
	__u64 deferred;			/* entries written at exit because a string was not readable */
	__u64 by_type[VLT_NTYPES];	/* packets written per VLT_PT_* */
	__u32 ncpus;
	__u64 lost_per_cpu[VLT_MAX_CPUS];
	__u64 drain_cpu_ns;		/* CPU time the drain thread used (after stop) */
	int write_error;		/* errno of an output error, or 0 */
	int running;
};

struct vlt_recorder;

int vlt_open(const struct vlt_config *cfg, struct vlt_recorder **out);
/* The syscall set: sc_conf[nr] (VLT_SC_*) and the value of numbers past the array; before
 * vlt_start. */
int vlt_set_syscalls(struct vlt_recorder *r, const __u32 *sc_conf, __u32 len, __u32 unknown_conf);
/* Trace tgid `pid`; armed: from its next execve on (a vlt-start waiting for its go). */
int vlt_add_pid(struct vlt_recorder *r, __u32 pid, int armed);
/* Writes `header`, then `prologue` (npackets packets made in user space: PROC_INFO), to
 * out_fd; attaches; starts draining into out_fd. */
int vlt_start(struct vlt_recorder *r, int out_fd, const void *header, size_t header_len,
	      const void *prologue, size_t prologue_len, __u64 npackets);
/* Detaches, drains, writes the trailer; the caller closes out_fd. */
int vlt_stop(struct vlt_recorder *r, int interrupted, struct vlt_stats *st);
void vlt_get_stats(struct vlt_recorder *r, struct vlt_stats *st);
/* Stops if needed and frees everything; NULL-safe. */
void vlt_close(struct vlt_recorder *r);
/* The last failure of the calling thread: "load BPF object: Operation not permitted", or "". */
const char *vlt_last_error(void);
/* Calls cb for each FUNC in the kernel's BTF. */
int vlt_list_btf_funcs(void (*cb)(const char *name, void *ctx), void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* VLT_RECORDER_H */
