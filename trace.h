/* trace.h: the vltrace bin format v1, as C structs.
 * GENERATED from @vltrace/format src/layout.ts by src/trace-h.ts: do not edit.
 * Every packet starts with struct vlt_hdr; packets are little-endian, padded to 8 bytes. */
#ifndef VLTRACE_TRACE_H
#define VLTRACE_TRACE_H

/* BPF programs get the __u* types from vmlinux.h, user space from <linux/types.h>. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VLT_FORMAT_MAJOR 1
#define VLT_FORMAT_MINOR 0
#define VLT_FILE_MAGIC "VLTRACE" /* followed by a NUL: 8 bytes */
#define VLT_ALIGN 8
#define VLT_MAX_PACKET_SIZE 65536
#define VLT_MAX_ARGS 6
#define VLT_COMM_LEN 16

/* Packet types: bits 0-3 of vlt_hdr.info. */
#define VLT_PT_ENTRY 1                   /* syscall entry: number, the first INFO_NARGS raw arguments, then string chunks (str_len bytes) */
#define VLT_PT_ENTRY_CONT 2              /* continuation of the previous entry of the same thread: further string chunks only */
#define VLT_PT_EXIT 3                    /* syscall exit */
#define VLT_PT_LOST 4                    /* packets that could not be written to the ring buffer on one CPU, reported with the next packet that could */
#define VLT_PT_FORK 5                    /* a task was created (sched_process_fork); pid_tid is the parent */
#define VLT_PT_EXEC 6                    /* a task executed a new program (sched_process_exec); pid_tid is after exec */
#define VLT_PT_PROC_EXIT 7               /* a task exited (sched_process_exit) */
#define VLT_PT_PROC_INFO 8               /* a task that already ran when recording started (read from /proc) */
#define VLT_PT_TRAILER 9                 /* totals written when recording stops cleanly; ts is the end time */

/* Bit fields of vlt_hdr.info. */
#define VLT_INFO_TYPE_SHIFT 0
#define VLT_INFO_TYPE_MASK 0xf           /* packet type code (PACKETS) */
#define VLT_INFO_ARG_FIRST_SHIFT 4
#define VLT_INFO_ARG_FIRST_MASK 0x7      /* entry: index of the first argument with a string chunk in this packet */
#define VLT_INFO_ARG_LAST_SHIFT 7
#define VLT_INFO_ARG_LAST_MASK 0x7       /* entry: index of the last argument with a string chunk in this packet */
#define VLT_INFO_WILL_BE_CONT_SHIFT 10
#define VLT_INFO_WILL_BE_CONT_MASK 0x1   /* entry: ENTRY_CONT packets of this syscall follow */
#define VLT_INFO_IS_CONT_SHIFT 11
#define VLT_INFO_IS_CONT_MASK 0x1        /* entry: this packet continues an earlier one (set on ENTRY_CONT) */
#define VLT_INFO_BPF_READ_ERROR_SHIFT 12
#define VLT_INFO_BPF_READ_ERROR_MASK 0x1 /* entry: a string read failed in this packet (see the chunk flags) */
#define VLT_INFO_NARGS_SHIFT 13
#define VLT_INFO_NARGS_MASK 0x7          /* entry: number of raw arguments stored (0-6) */

/* Flags of a string chunk (vlt_str_chunk.flags). */
#define VLT_CHUNK_MORE 0x1               /* more bytes of this string follow in a later chunk */
#define VLT_CHUNK_TRUNCATED 0x2          /* the string was cut at the capture limit (this is its last chunk) */
#define VLT_CHUNK_READ_ERROR 0x4         /* reading the string from user memory failed; the bytes are what was read before */
#define VLT_CHUNK_CONT 0x8               /* this chunk continues an earlier chunk of the same argument */

/* Flags of a fork packet. */
#define VLT_FORK_THREAD 0x1              /* the new task is a thread (CLONE_THREAD) */

/* Flags of a proc_exit packet. */
#define VLT_PROC_EXIT_GROUP_DEAD 0x1     /* the last thread of the process exited */

/* Flags of the trailer packet. */
#define VLT_TRAILER_INTERRUPTED 0x1      /* recording was stopped by a signal */
#define VLT_TRAILER_WRITE_ERROR 0x2      /* an output error stopped recording early */

/* File header sections (the header itself is written by the TypeScript side). */
#define VLT_SECTION_META 1               /* UTF-8 JSON object: recording metadata (TraceMeta) */
#define VLT_SECTION_SYSCALLS 2           /* UTF-8 JSON array of [nr, name, nargs] for the recording arch */
#define VLT_SECTION_TRACE_H 3            /* the text of the trace.h the recorder was built with */

/* common header of every packet */
struct vlt_hdr {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
};
_Static_assert(sizeof(struct vlt_hdr) == 24, "vlt_hdr size");
_Static_assert(__builtin_offsetof(struct vlt_hdr, size) == 0, "vlt_hdr.size");
_Static_assert(__builtin_offsetof(struct vlt_hdr, info) == 4, "vlt_hdr.info");
_Static_assert(__builtin_offsetof(struct vlt_hdr, pid_tid) == 8, "vlt_hdr.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_hdr, ts) == 16, "vlt_hdr.ts");

/* string chunk header; len bytes follow, no NUL, no padding */
struct vlt_str_chunk {
	__u8 arg;                         /* argument index 0-5 this chunk belongs to */
	__u8 flags;                       /* CHUNK_* bits */
	__u16 len;                        /* bytes that follow */
};
_Static_assert(sizeof(struct vlt_str_chunk) == 4, "vlt_str_chunk size");
_Static_assert(__builtin_offsetof(struct vlt_str_chunk, arg) == 0, "vlt_str_chunk.arg");
_Static_assert(__builtin_offsetof(struct vlt_str_chunk, flags) == 1, "vlt_str_chunk.flags");
_Static_assert(__builtin_offsetof(struct vlt_str_chunk, len) == 2, "vlt_str_chunk.len");

/* ENTRY: syscall entry: number, the first INFO_NARGS raw arguments, then string chunks (str_len bytes) */
struct vlt_entry {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__s32 nr;                         /* syscall number (orig_ax) */
	__u32 str_len;                    /* bytes of string chunks after the arguments (each a vlt_str_chunk + its bytes) */
	__u64 args[];                     /* INFO_NARGS raw arguments, then the string chunks */
};
_Static_assert(sizeof(struct vlt_entry) == 32, "vlt_entry size");
_Static_assert(__builtin_offsetof(struct vlt_entry, size) == 0, "vlt_entry.size");
_Static_assert(__builtin_offsetof(struct vlt_entry, info) == 4, "vlt_entry.info");
_Static_assert(__builtin_offsetof(struct vlt_entry, pid_tid) == 8, "vlt_entry.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_entry, ts) == 16, "vlt_entry.ts");
_Static_assert(__builtin_offsetof(struct vlt_entry, nr) == 24, "vlt_entry.nr");
_Static_assert(__builtin_offsetof(struct vlt_entry, str_len) == 28, "vlt_entry.str_len");
_Static_assert(__builtin_offsetof(struct vlt_entry, args) == 32, "vlt_entry.args");

/* ENTRY_CONT: continuation of the previous entry of the same thread: further string chunks only */
struct vlt_entry_cont {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__s32 nr;                         /* syscall number of the entry it continues */
	__u32 str_len;                    /* bytes of string chunks that follow */
};
_Static_assert(sizeof(struct vlt_entry_cont) == 32, "vlt_entry_cont size");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, size) == 0, "vlt_entry_cont.size");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, info) == 4, "vlt_entry_cont.info");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, pid_tid) == 8, "vlt_entry_cont.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, ts) == 16, "vlt_entry_cont.ts");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, nr) == 24, "vlt_entry_cont.nr");
_Static_assert(__builtin_offsetof(struct vlt_entry_cont, str_len) == 28, "vlt_entry_cont.str_len");

/* EXIT: syscall exit */
struct vlt_exit {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__s32 nr;                         /* syscall number at exit (-1 after rt_sigreturn restored the registers) */
	__u32 reserved;                   /* zero */
	__s64 ret;                        /* raw return value; -4095..-1 is -errno */
};
_Static_assert(sizeof(struct vlt_exit) == 40, "vlt_exit size");
_Static_assert(__builtin_offsetof(struct vlt_exit, size) == 0, "vlt_exit.size");
_Static_assert(__builtin_offsetof(struct vlt_exit, info) == 4, "vlt_exit.info");
_Static_assert(__builtin_offsetof(struct vlt_exit, pid_tid) == 8, "vlt_exit.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_exit, ts) == 16, "vlt_exit.ts");
_Static_assert(__builtin_offsetof(struct vlt_exit, nr) == 24, "vlt_exit.nr");
_Static_assert(__builtin_offsetof(struct vlt_exit, reserved) == 28, "vlt_exit.reserved");
_Static_assert(__builtin_offsetof(struct vlt_exit, ret) == 32, "vlt_exit.ret");

/* LOST: packets that could not be written to the ring buffer on one CPU, reported with the next packet that could */
struct vlt_lost {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__u32 cpu;                        /* CPU whose packets were lost */
	__u32 reserved;                   /* zero */
	__u64 count;                      /* number of packets lost */
	__u64 first_ts;                   /* time of the first lost packet */
	__u64 last_ts;                    /* time of the last lost packet */
};
_Static_assert(sizeof(struct vlt_lost) == 56, "vlt_lost size");
_Static_assert(__builtin_offsetof(struct vlt_lost, size) == 0, "vlt_lost.size");
_Static_assert(__builtin_offsetof(struct vlt_lost, info) == 4, "vlt_lost.info");
_Static_assert(__builtin_offsetof(struct vlt_lost, pid_tid) == 8, "vlt_lost.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_lost, ts) == 16, "vlt_lost.ts");
_Static_assert(__builtin_offsetof(struct vlt_lost, cpu) == 24, "vlt_lost.cpu");
_Static_assert(__builtin_offsetof(struct vlt_lost, reserved) == 28, "vlt_lost.reserved");
_Static_assert(__builtin_offsetof(struct vlt_lost, count) == 32, "vlt_lost.count");
_Static_assert(__builtin_offsetof(struct vlt_lost, first_ts) == 40, "vlt_lost.first_ts");
_Static_assert(__builtin_offsetof(struct vlt_lost, last_ts) == 48, "vlt_lost.last_ts");

/* FORK: a task was created (sched_process_fork); pid_tid is the parent */
struct vlt_fork {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__u32 child_pid;                  /* tgid of the new task (equals the parent tgid for a thread) */
	__u32 child_tid;                  /* tid of the new task */
	__u32 flags;                      /* FORK_* bits */
	__u32 reserved;                   /* zero */
	char comm[16];                    /* comm of the new task */
};
_Static_assert(sizeof(struct vlt_fork) == 56, "vlt_fork size");
_Static_assert(__builtin_offsetof(struct vlt_fork, size) == 0, "vlt_fork.size");
_Static_assert(__builtin_offsetof(struct vlt_fork, info) == 4, "vlt_fork.info");
_Static_assert(__builtin_offsetof(struct vlt_fork, pid_tid) == 8, "vlt_fork.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_fork, ts) == 16, "vlt_fork.ts");
_Static_assert(__builtin_offsetof(struct vlt_fork, child_pid) == 24, "vlt_fork.child_pid");
_Static_assert(__builtin_offsetof(struct vlt_fork, child_tid) == 28, "vlt_fork.child_tid");
_Static_assert(__builtin_offsetof(struct vlt_fork, flags) == 32, "vlt_fork.flags");
_Static_assert(__builtin_offsetof(struct vlt_fork, reserved) == 36, "vlt_fork.reserved");
_Static_assert(__builtin_offsetof(struct vlt_fork, comm) == 40, "vlt_fork.comm");

/* EXEC: a task executed a new program (sched_process_exec); pid_tid is after exec */
struct vlt_exec {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__u32 old_tid;                    /* tid before exec (a non-leader thread that execs takes over the tgid) */
	__u32 filename_len;               /* bytes of filename that follow (no NUL) */
	char comm[16];                    /* comm after exec */
	char filename[];                  /* the executed file, as the kernel resolved it */
};
_Static_assert(sizeof(struct vlt_exec) == 48, "vlt_exec size");
_Static_assert(__builtin_offsetof(struct vlt_exec, size) == 0, "vlt_exec.size");
_Static_assert(__builtin_offsetof(struct vlt_exec, info) == 4, "vlt_exec.info");
_Static_assert(__builtin_offsetof(struct vlt_exec, pid_tid) == 8, "vlt_exec.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_exec, ts) == 16, "vlt_exec.ts");
_Static_assert(__builtin_offsetof(struct vlt_exec, old_tid) == 24, "vlt_exec.old_tid");
_Static_assert(__builtin_offsetof(struct vlt_exec, filename_len) == 28, "vlt_exec.filename_len");
_Static_assert(__builtin_offsetof(struct vlt_exec, comm) == 32, "vlt_exec.comm");
_Static_assert(__builtin_offsetof(struct vlt_exec, filename) == 48, "vlt_exec.filename");

/* PROC_EXIT: a task exited (sched_process_exit) */
struct vlt_proc_exit {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__s32 exit_code;                  /* task exit_code as wait(2) encodes it (status << 8 | signal) */
	__u32 flags;                      /* PROC_EXIT_* bits */
	char comm[16];                    /* comm of the task */
};
_Static_assert(sizeof(struct vlt_proc_exit) == 48, "vlt_proc_exit size");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, size) == 0, "vlt_proc_exit.size");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, info) == 4, "vlt_proc_exit.info");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, pid_tid) == 8, "vlt_proc_exit.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, ts) == 16, "vlt_proc_exit.ts");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, exit_code) == 24, "vlt_proc_exit.exit_code");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, flags) == 28, "vlt_proc_exit.flags");
_Static_assert(__builtin_offsetof(struct vlt_proc_exit, comm) == 32, "vlt_proc_exit.comm");

/* PROC_INFO: a task that already ran when recording started (read from /proc) */
struct vlt_proc_info {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__u32 ppid;                       /* parent tgid */
	__u32 exe_len;                    /* bytes of executable path that follow (no NUL) */
	char comm[16];                    /* comm of the task */
	char exe[];                       /* executable path */
};
_Static_assert(sizeof(struct vlt_proc_info) == 48, "vlt_proc_info size");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, size) == 0, "vlt_proc_info.size");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, info) == 4, "vlt_proc_info.info");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, pid_tid) == 8, "vlt_proc_info.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, ts) == 16, "vlt_proc_info.ts");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, ppid) == 24, "vlt_proc_info.ppid");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, exe_len) == 28, "vlt_proc_info.exe_len");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, comm) == 32, "vlt_proc_info.comm");
_Static_assert(__builtin_offsetof(struct vlt_proc_info, exe) == 48, "vlt_proc_info.exe");

/* TRAILER: totals written when recording stops cleanly; ts is the end time */
struct vlt_trailer {
	__u32 size;                       /* whole packet in bytes, header included; a multiple of 8 */
	__u32 info;                       /* packet type and per-kind bits (INFO_* below) */
	__u64 pid_tid;                    /* bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32 */
	__u64 ts;                         /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time */
	__u64 events;                     /* packets the BPF program produced or tried to (written + lost) */
	__u64 written;                    /* packets written to the file, this trailer excluded */
	__u64 lost;                       /* packets lost */
	__u32 ncpus;                      /* entries in lost_per_cpu */
	__u32 flags;                      /* TRAILER_* bits */
	__u64 lost_per_cpu[];             /* lost packets per CPU */
};
_Static_assert(sizeof(struct vlt_trailer) == 56, "vlt_trailer size");
_Static_assert(__builtin_offsetof(struct vlt_trailer, size) == 0, "vlt_trailer.size");
_Static_assert(__builtin_offsetof(struct vlt_trailer, info) == 4, "vlt_trailer.info");
_Static_assert(__builtin_offsetof(struct vlt_trailer, pid_tid) == 8, "vlt_trailer.pid_tid");
_Static_assert(__builtin_offsetof(struct vlt_trailer, ts) == 16, "vlt_trailer.ts");
_Static_assert(__builtin_offsetof(struct vlt_trailer, events) == 24, "vlt_trailer.events");
_Static_assert(__builtin_offsetof(struct vlt_trailer, written) == 32, "vlt_trailer.written");
_Static_assert(__builtin_offsetof(struct vlt_trailer, lost) == 40, "vlt_trailer.lost");
_Static_assert(__builtin_offsetof(struct vlt_trailer, ncpus) == 48, "vlt_trailer.ncpus");
_Static_assert(__builtin_offsetof(struct vlt_trailer, flags) == 52, "vlt_trailer.flags");
_Static_assert(__builtin_offsetof(struct vlt_trailer, lost_per_cpu) == 56, "vlt_trailer.lost_per_cpu");

#endif /* VLTRACE_TRACE_H */
