/* SPDX-License-Identifier: BSD-3-Clause */
/* vltrace.h: what the BPF program and the user-space core share besides the packet layouts
 * (those are in the GENERATED trace.h): map value layouts and configuration bits.
 * Plain __u32/__u64 only: the skeleton user side is compiled without vmlinux.h. */
#ifndef VLTRACE_H
#define VLTRACE_H

/* Entries of the per-syscall configuration array (indexed by syscall number). */
#define VLT_MAX_SYSCALLS 1024
#define VLT_SC_ENABLED 0x1         /* traced (the -e set) */
#define VLT_SC_NARGS_SHIFT 1       /* 3 bits: raw arguments to store (0-6) */
#define VLT_SC_NARGS_MASK 0x7
#define VLT_SC_STRMASK_SHIFT 4     /* 6 bits: argument i is a NUL-terminated string */
#define VLT_SC_STRMASK_MASK 0x3f
#define VLT_SC_CAP_ENTRY 0x400     /* sc_cap has entry descriptors: memory is read at entry */
#define VLT_SC_CAP_EXIT 0x800      /* sc_cap has exit descriptors: memory is read at exit */

/* Capture descriptors of a syscall (the sc_cap array, indexed by syscall number): one u32
 * (VLT_CAP_* bits of trace.h) per argument, entry then exit; 0 reads nothing. */
#define VLT_CAP_SLOTS 12
struct vlt_sc_cap {
	__u32 desc[VLT_CAP_SLOTS];
};

/* The traced tgids: a bit per tgid up to PID_MAX_LIMIT (4M on 64-bit), 512 KiB. */
#define VLT_TRACED_WORDS (4194304 / 64)

/* String capture modes of vltrace(1) -s. */
#define VLT_STR_FAST 0             /* one packet per syscall, 382/190/126 bytes per string */
#define VLT_STR_PACKET 1           /* one packet per string, 382 bytes */
#define VLT_STR_CONST 2            /* always N packets of 383 bytes per string */
#define VLT_STR_FULL 3             /* up to N packets of 383 bytes per string */

#define VLT_CHUNK_DATA 383         /* string bytes per packet in the multi-packet modes */
#define VLT_PACKET_STR_MAX 382     /* one-packet limit: N * 383 - 1 with N = 1 */
#define VLT_MAX_CHUNKS 64          /* cap on N (strings up to 24511 bytes) */

/* Per-CPU counters (in each CPU's stage, below), summed by the core at stop. */
struct vlt_counters {
	__u64 events;              /* packets produced or attempted (written + lost) */
	__u64 lost;                /* packets the ring buffer had no room for */
	__u64 pending_lost;        /* lost, not yet reported in a LOST packet */
	__u64 first_ts;            /* time of the first pending lost packet */
	__u64 last_ts;             /* time of the last pending lost packet */
	__u64 deferred;            /* entries whose strings were read at exit (entry read failed) */
	__u64 bytes;               /* ring bytes of the packets of this CPU: when to wake the reader */
};

/* Per-CPU staging (the stage array: one entry per possible CPU, indexed by CPU, mmapped by the
 * core). The syscall programs append packets to their CPU's stage and write the stage to the
 * ring as one record when the next packet would not fit, when the CPU switches tasks (so a
 * thread's packets stay in order: its stage is written before it can run elsewhere), before a
 * process or signal event, or when the core finds it older than a bound; the core takes what
 * is left at stop. A ring record of a batch is its packets plus VLT_STAGE_MARK bytes: its
 * size is 4 mod 8 where a single packet's is 0 (packets are multiples of 8). */
#define VLT_STAGE_BYTES 4096       /* a batch at most (a power of 2) */
#define VLT_STAGE_ROOM 1024        /* bytes of the largest packet staged; larger ones go direct */
#define VLT_STAGE_MARK 4
struct vlt_stage {
	struct vlt_counters c;     /* this CPU's counters: one map lookup for both */
	__u32 len;                 /* bytes of packets in buf */
	__u32 n;                   /* packets in buf */
	__u32 busy;                /* a program is writing it: a nested one writes to the ring */
	__u32 reserved;
	__u64 first_ts;            /* time of the first packet in buf */
	__u64 last_ts;             /* time of the last one */
	__u8 buf[VLT_STAGE_BYTES + VLT_STAGE_ROOM];
};

#endif /* VLTRACE_H */
