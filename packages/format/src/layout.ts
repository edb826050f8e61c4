/**
 * The vltrace bin format v1, declared once, as data.
 *
 * Everything else derives from the objects in this file: `trace-h.ts` renders them into the C
 * header the native recorder compiles against, `decode.ts` reads packets through the offsets
 * computed here, and FORMAT.md describes the same names. No field offset is written twice.
 */

/**
 * Format version written in the file header. A reader accepts any minor of its major.
 * Minor 1 added DATA packets (memory that arguments point to, the files behind descriptors),
 * SIGNAL packets and FD_INFO packets.
 */
export const FORMAT_VERSION = { major: 1, minor: 1 } as const;

/** First 8 bytes of a v1 file (vltrace 0.1 files start with `VLTRACE_TAB\0` instead). */
export const FILE_MAGIC = 'VLTRACE\0';

/** Every packet and the header are padded to this alignment. */
export const ALIGN = 8;
/** Largest packet a reader accepts: sizes above it are corruption, never an allocation. */
export const MAX_PACKET_SIZE = 65536;
/** Largest file header a reader accepts (the header holds the syscall table and trace.h). */
export const MAX_HEADER_SIZE = 16 * 1024 * 1024;
/**
 * Largest syscall number a header's syscall table may name (readers keep the names as a dense
 * dictionary indexed by number; every Linux ABI numbers its calls below it).
 */
export const MAX_TABLE_NR = 0xffff;
/** Number of raw syscall arguments on x86-64. */
export const MAX_ARGS = 6;
/** Bytes of the siginfo union (__sifields) after si_signo, si_errno, si_code on 64-bit. */
export const SIGINFO_FIELDS = 32;
/** Length of a task's comm (TASK_COMM_LEN in the kernel), NUL included. */
export const COMM_LEN = 16;

/** Scalar field types, with their C spelling, byte size and alignment. */
export const SCALARS = {
  u8: { c: '__u8', size: 1 },
  u16: { c: '__u16', size: 2 },
  u32: { c: '__u32', size: 4 },
  i32: { c: '__s32', size: 4 },
  u64: { c: '__u64', size: 8 },
  i64: { c: '__s64', size: 8 },
  char: { c: 'char', size: 1 },
} as const;
export type ScalarType = keyof typeof SCALARS;

/** One field of a packet struct. `count` makes an array; `count: 0` a flexible array member. */
export interface FieldDef {
  readonly name: string;
  readonly type: ScalarType;
  readonly count?: number;
  readonly doc: string;
}

/** A packet kind: its type code (bits 0-3 of the info word), name and fields after the common header. */
export interface PacketDef {
  readonly code: number;
  readonly name: string;
  readonly doc: string;
  readonly fields: readonly FieldDef[];
}

/** The header every packet starts with (24 bytes). */
export const PACKET_HEADER: readonly FieldDef[] = [
  { name: 'size', type: 'u32', doc: 'whole packet in bytes, header included; a multiple of 8' },
  { name: 'info', type: 'u32', doc: 'packet type and per-kind bits (INFO_* below)' },
  { name: 'pid_tid', type: 'u64', doc: 'bpf_get_current_pid_tgid(): tgid in the upper 32 bits, tid in the lower 32' },
  { name: 'ts', type: 'u64', doc: 'CLOCK_MONOTONIC ns (bpf_ktime_get_ns); the file header maps it to wall-clock time' },
];

/**
 * Packet kinds. Code 0 is never valid, so zeroed memory never parses as a packet.
 * Layouts are the common header followed by `fields`, then (for some kinds) variable data.
 */
export const PACKETS = {
  ENTRY: {
    code: 1,
    name: 'entry',
    doc: 'syscall entry: number, the first INFO_NARGS raw arguments, then string chunks (str_len bytes)',
    fields: [
      { name: 'nr', type: 'i32', doc: 'syscall number (orig_ax)' },
      { name: 'str_len', type: 'u32', doc: 'bytes of string chunks after the arguments (each a vlt_str_chunk + its bytes)' },
      { name: 'args', type: 'u64', count: 0, doc: 'INFO_NARGS raw arguments, then the string chunks' },
    ],
  },
  ENTRY_CONT: {
    code: 2,
    name: 'entry_cont',
    doc: 'continuation of the previous entry of the same thread: further string chunks only',
    fields: [
      { name: 'nr', type: 'i32', doc: 'syscall number of the entry it continues' },
      { name: 'str_len', type: 'u32', doc: 'bytes of string chunks that follow' },
    ],
  },
  EXIT: {
    code: 3,
    name: 'exit',
    doc: 'syscall exit',
    fields: [
      { name: 'nr', type: 'i32', doc: 'syscall number at exit (-1 after rt_sigreturn restored the registers)' },
      { name: 'reserved', type: 'u32', doc: 'zero' },
      { name: 'ret', type: 'i64', doc: 'raw return value; -4095..-1 is -errno' },
    ],
  },
  LOST: {
    code: 4,
    name: 'lost',
    doc: 'packets that could not be written to the ring buffer on one CPU, reported with the next packet that could',
    fields: [
      { name: 'cpu', type: 'u32', doc: 'CPU whose packets were lost' },
      { name: 'reserved', type: 'u32', doc: 'zero' },
      { name: 'count', type: 'u64', doc: 'number of packets lost' },
      { name: 'first_ts', type: 'u64', doc: 'time of the first lost packet' },
      { name: 'last_ts', type: 'u64', doc: 'time of the last lost packet' },
    ],
  },
  FORK: {
    code: 5,
    name: 'fork',
    doc: 'a task was created (sched_process_fork); pid_tid is the parent',
    fields: [
      { name: 'child_pid', type: 'u32', doc: 'tgid of the new task (equals the parent tgid for a thread)' },
      { name: 'child_tid', type: 'u32', doc: 'tid of the new task' },
      { name: 'flags', type: 'u32', doc: 'FORK_* bits' },
      { name: 'reserved', type: 'u32', doc: 'zero' },
      { name: 'comm', type: 'char', count: COMM_LEN, doc: 'comm of the new task' },
    ],
  },
  EXEC: {
    code: 6,
    name: 'exec',
    doc: 'a task executed a new program (sched_process_exec); pid_tid is after exec',
    fields: [
      { name: 'old_tid', type: 'u32', doc: 'tid before exec (a non-leader thread that execs takes over the tgid)' },
      { name: 'filename_len', type: 'u32', doc: 'bytes of filename that follow (no NUL)' },
      { name: 'comm', type: 'char', count: COMM_LEN, doc: 'comm after exec' },
      { name: 'filename', type: 'char', count: 0, doc: 'the executed file, as the kernel resolved it' },
    ],
  },
  PROC_EXIT: {
    code: 7,
    name: 'proc_exit',
    doc: 'a task exited (sched_process_exit)',
    fields: [
      { name: 'exit_code', type: 'i32', doc: 'task exit_code as wait(2) encodes it (status << 8 | signal)' },
      { name: 'flags', type: 'u32', doc: 'PROC_EXIT_* bits' },
      { name: 'comm', type: 'char', count: COMM_LEN, doc: 'comm of the task' },
    ],
  },
  PROC_INFO: {
    code: 8,
    name: 'proc_info',
    doc: 'a task that already ran when recording started (read from /proc)',
    fields: [
      { name: 'ppid', type: 'u32', doc: 'parent tgid' },
      { name: 'exe_len', type: 'u32', doc: 'bytes of executable path that follow (no NUL)' },
      { name: 'comm', type: 'char', count: COMM_LEN, doc: 'comm of the task' },
      { name: 'exe', type: 'char', count: 0, doc: 'executable path' },
    ],
  },
  TRAILER: {
    code: 9,
    name: 'trailer',
    doc: 'totals written when recording stops cleanly; ts is the end time',
    fields: [
      { name: 'events', type: 'u64', doc: 'packets the BPF program produced or tried to (written + lost)' },
      { name: 'written', type: 'u64', doc: 'packets written to the file, this trailer excluded' },
      { name: 'lost', type: 'u64', doc: 'packets lost' },
      { name: 'ncpus', type: 'u32', doc: 'entries in lost_per_cpu' },
      { name: 'flags', type: 'u32', doc: 'TRAILER_* bits' },
      { name: 'lost_per_cpu', type: 'u64', count: 0, doc: 'lost packets per CPU' },
    ],
  },
  DATA: {
    code: 10,
    name: 'data',
    doc: "memory the thread's current syscall's arguments point to (structs, buffers, arrays, argv), read at its entry or exit; written right after that ENTRY or EXIT by the same BPF program run (nothing of the thread between)",
    fields: [
      { name: 'nr', type: 'i32', doc: 'syscall number of the call it belongs to' },
      { name: 'data_len', type: 'u32', doc: 'bytes of data chunks that follow (each a vlt_str_chunk + its bytes)' },
    ],
  },
  SIGNAL: {
    code: 11,
    name: 'signal',
    doc: 'a signal delivered to the thread pid_tid (signal_deliver), or sent to it and discarded as ignored (signal_generate)',
    fields: [
      { name: 'signo', type: 'i32', doc: 'si_signo' },
      { name: 'sig_errno', type: 'i32', doc: 'si_errno' },
      { name: 'code', type: 'i32', doc: 'si_code' },
      { name: 'flags', type: 'u32', doc: 'SIGNAL_* bits' },
      { name: 'fields', type: 'u8', count: SIGINFO_FIELDS, doc: "the rest of the kernel's siginfo (union __sifields) as the sender filled it" },
    ],
  },
  FD_INFO: {
    code: 12,
    name: 'fd_info',
    doc: 'a descriptor (or the working directory) a process held when recording started, read from /proc; pid_tid is the process',
    fields: [
      { name: 'fd', type: 'i32', doc: 'the descriptor; FD_CWD for the working directory' },
      { name: 'flags', type: 'u32', doc: 'FD_INFO_* bits' },
      { name: 'ino', type: 'u64', doc: "the file's inode number (st_ino)" },
      { name: 'mode', type: 'u32', doc: "the file's st_mode (type and permissions)" },
      { name: 'path_len', type: 'u32', doc: 'bytes of path that follow (no NUL)' },
      { name: 'path', type: 'char', count: 0, doc: "what /proc/PID/fd/FD reads (d_path's name), without the ' (deleted)' of a deleted file" },
    ],
  },
} as const satisfies Record<string, PacketDef>;
export type PacketKind = keyof typeof PACKETS;

/** String chunk header inside ENTRY and ENTRY_CONT packets, followed by `len` bytes (no NUL, no padding). */
export const STR_CHUNK: readonly FieldDef[] = [
  { name: 'arg', type: 'u8', doc: 'argument index 0-5 this chunk belongs to' },
  { name: 'flags', type: 'u8', doc: 'CHUNK_* bits' },
  { name: 'len', type: 'u16', doc: 'bytes that follow' },
];

/** A bit field inside a 32-bit word: `shift` and `width` in bits. */
export interface BitDef {
  readonly shift: number;
  readonly width: number;
  readonly doc: string;
}

/** The info word (offset 4 of every packet), vltrace's model kept. */
export const INFO_BITS = {
  TYPE: { shift: 0, width: 4, doc: 'packet type code (PACKETS)' },
  ARG_FIRST: { shift: 4, width: 3, doc: 'entry: index of the first argument with a string chunk in this packet' },
  ARG_LAST: { shift: 7, width: 3, doc: 'entry: index of the last argument with a string chunk in this packet' },
  WILL_BE_CONT: { shift: 10, width: 1, doc: 'entry: ENTRY_CONT packets of this syscall follow' },
  IS_CONT: { shift: 11, width: 1, doc: 'entry: this packet continues an earlier one (set on ENTRY_CONT)' },
  BPF_READ_ERROR: { shift: 12, width: 1, doc: 'entry: a string read failed in this packet (see the chunk flags)' },
  NARGS: { shift: 13, width: 3, doc: 'entry: number of raw arguments stored (0-6)' },
} as const satisfies Record<string, BitDef>;

/** Flags of a string chunk. */
export const CHUNK_FLAGS = {
  MORE: { bit: 0x1, doc: 'more bytes of this string follow in a later chunk' },
  TRUNCATED: { bit: 0x2, doc: 'the string was cut at the capture limit (this is its last chunk)' },
  READ_ERROR: { bit: 0x4, doc: 'reading the string from user memory failed; the bytes are what was read before' },
  CONT: { bit: 0x8, doc: 'this chunk continues an earlier chunk of the same argument' },
  EXIT: { bit: 0x10, doc: 'data chunk: read at the syscall exit (otherwise at its entry)' },
} as const;

/**
 * How the recorder reads the memory behind an argument (the capture table, tables/captures.ts,
 * says which, per syscall, argument and phase). The recorder hands each syscall's captures to
 * the BPF program as one u32 descriptor per argument and phase (CAPTURE_BITS); the reader
 * interprets a data chunk by the same table. Payloads (FORMAT.md "Data chunks"):
 */
export const CAPTURE_HOW = {
  NONE: { code: 0, doc: 'nothing is read' },
  FIXED: { code: 1, doc: 'SIZE bytes (a struct)' },
  ARGLEN: { code: 2, doc: 'as many bytes as argument REF says, at most SIZE (or the string limit with STR)' },
  RETLEN: { code: 3, doc: 'exit: as many bytes as the return value says, at most SIZE (or the string limit with STR)' },
  ARGCOUNT: { code: 4, doc: 'argument REF elements of SIZE bytes each (an array), within the data budget' },
  RETCOUNT: { code: 5, doc: 'exit: return-value elements of SIZE bytes each, within the data budget' },
  PTRLEN: { code: 6, doc: 'as many bytes as the int that argument REF points to says (a socklen_t), at most SIZE' },
  ARGV: { code: 7, doc: 'a NULL-terminated array of strings: u32 count, then each captured string as u16 len, u8 flags, bytes' },
  ARGC: { code: 8, doc: 'a NULL-terminated array of pointers, counted only: u32 count' },
  IOV: { code: 9, doc: 'argument REF iovecs: u32 count, then each captured one as u64 base, u64 len, u16 bytes, u8 flags, bytes' },
  DIRENTS: { code: 10, doc: 'exit: the linux_dirent64 records in the return-value bytes, counted: u32 count' },
  FDSET: { code: 11, doc: 'an fd_set of argument REF descriptors: (REF + 7) / 8 bytes, at most SIZE' },
  SIGFRAME: { code: 12, doc: "rt_sigreturn: the 8-byte signal mask saved in the signal frame at the stack pointer" },
  FD_RET: { code: 13, doc: 'exit: the file behind the descriptor the call returned, a FILE record (the row takes a slot no argument uses)' },
  FD_PAIR: { code: 14, doc: 'exit: the two descriptors in the int[2] the argument points to (pipe, socketpair), a FILE record each' },
  CWD: { code: 15, doc: "exit: the caller's working directory, a FILE record (fd FD_CWD)" },
} as const;
export type CaptureHowName = keyof typeof CAPTURE_HOW;

/** The u32 capture descriptor of an argument and phase (bit fields). */
export const CAPTURE_BITS = {
  HOW: { shift: 0, width: 4, doc: 'CAPTURE_HOW code' },
  REF: { shift: 4, width: 3, doc: 'index of the argument holding the length or count' },
  STR: { shift: 7, width: 1, doc: 'the length is capped by the string limit (-s), not by SIZE: a buffer' },
  OK_ONLY: { shift: 8, width: 1, doc: 'exit: read only when the call succeeded (an output the kernel fills)' },
  SIZE: { shift: 16, width: 16, doc: 'struct or element size, or the cap, in bytes' },
} as const satisfies Record<string, BitDef>;

/** Flags of a string inside an ARGV or IOV data chunk (the u8 after its length). */
export const ITEM_FLAGS = {
  TRUNCATED: { bit: 0x2, doc: 'the item was cut at the string limit' },
  READ_ERROR: { bit: 0x4, doc: 'reading the item failed' },
} as const;

/**
 * The file behind a descriptor, in FD_RET, FD_PAIR and CWD data chunks: this record, then
 * `count` components of its path, each a u16 length and its bytes, from the file up to the
 * caller's root directory (the reverse of d_path's order: the walk in the kernel goes up).
 */
export const FILE_RECORD: readonly FieldDef[] = [
  { name: 'ino', type: 'u64', doc: "the inode's number (i_ino): pipe:[ino], socket:[ino]" },
  { name: 'fd', type: 'i32', doc: 'the descriptor; FD_CWD for the working directory' },
  { name: 'mode', type: 'u32', doc: "the inode's i_mode (type and permissions)" },
  { name: 'magic', type: 'u32', doc: "the file system's magic number (s_magic): which names a DNAME file" },
  { name: 'flags', type: 'u16', doc: 'FILE_* bits' },
  { name: 'count', type: 'u16', doc: 'path components that follow, each u16 len then its bytes' },
];

/** The fd of a FILE record or FD_INFO packet that is the working directory (AT_FDCWD). */
export const FD_CWD = -100;

/** The *at() flag that makes an empty path name the directory fd itself (newfstatat(fd, "", …, AT_EMPTY_PATH)). */
export const AT_EMPTY_PATH = 0x1000;

/** Flags of a FILE record. */
export const FILE_FLAGS = {
  DNAME: { bit: 0x1, doc: 'its file system names it (a pipe, socket, anon inode…): the one component is its dentry name' },
  DELETED: { bit: 0x2, doc: "unlinked: d_path adds ' (deleted)'" },
  TRUNCATED: { bit: 0x4, doc: 'the walk stopped before the root (too deep, or no room): the outermost components are missing' },
  NONE: { bit: 0x8, doc: 'no file behind the descriptor when it was read (closed meanwhile by another thread)' },
} as const;

/** Flags of an FD_INFO packet. */
export const FD_INFO_FLAGS = {
  CLOEXEC: { bit: 0x1, doc: 'the descriptor is close-on-exec' },
  DELETED: { bit: 0x2, doc: "the file was unlinked (/proc showed ' (deleted)' and its link count is 0)" },
} as const;

/** Flags of a SIGNAL packet. */
export const SIGNAL_FLAGS = {
  IGNORED: { bit: 0x1, doc: 'discarded when sent (ignored, no handler): the time is when it was sent' },
} as const;

/** Flags of a FORK packet. */
export const FORK_FLAGS = {
  THREAD: { bit: 0x1, doc: 'the new task is a thread (CLONE_THREAD)' },
} as const;

/** Flags of a PROC_EXIT packet. */
export const PROC_EXIT_FLAGS = {
  GROUP_DEAD: { bit: 0x1, doc: 'the last thread of the process exited' },
} as const;

/** Flags of the TRAILER packet. */
export const TRAILER_FLAGS = {
  INTERRUPTED: { bit: 0x1, doc: 'recording was stopped by a signal' },
  WRITE_ERROR: { bit: 0x2, doc: 'an output error stopped recording early' },
} as const;

/** File header prefix; variable sections follow it. */
export const FILE_HEADER: readonly FieldDef[] = [
  { name: 'magic', type: 'char', count: 8, doc: 'FILE_MAGIC' },
  { name: 'version_major', type: 'u16', doc: 'FORMAT_VERSION.major' },
  { name: 'version_minor', type: 'u16', doc: 'FORMAT_VERSION.minor' },
  { name: 'header_size', type: 'u32', doc: 'bytes of the whole header, sections included; a multiple of 8' },
  { name: 'flags', type: 'u32', doc: 'zero' },
  { name: 'nsections', type: 'u32', doc: 'number of sections that follow' },
];

/** A header section: kind and length, then `len` bytes padded to 8. */
export const SECTION_HEADER: readonly FieldDef[] = [
  { name: 'kind', type: 'u32', doc: 'SECTION_KINDS' },
  { name: 'len', type: 'u32', doc: 'bytes of data that follow (before padding)' },
];

/** Kinds of header sections. Unknown kinds are skipped by readers. */
export const SECTION_KINDS = {
  META: { code: 1, doc: 'UTF-8 JSON object: recording metadata (TraceMeta)' },
  SYSCALLS: { code: 2, doc: 'UTF-8 JSON array of [nr, name, nargs] for the recording arch' },
  TRACE_H: { code: 3, doc: 'the text of the trace.h the recorder was built with' },
} as const;

/** Numeric code of each packet kind, for the hot path. */
export const PT = Object.fromEntries(
  Object.entries(PACKETS).map(([k, v]) => [k, v.code]),
) as { readonly [K in PacketKind]: (typeof PACKETS)[K]['code'] };

// ---------------------------------------------------------------------------------------------
// Offsets, computed from the declarations with C's natural alignment.

/** A field with its computed byte offset. */
export interface PlacedField extends FieldDef {
  readonly offset: number;
  readonly size: number;
}

/** A struct layout: fields with offsets and the struct's sizeof. */
export interface StructLayout {
  readonly fields: readonly PlacedField[];
  readonly byName: Readonly<Record<string, PlacedField>>;
  readonly sizeof: number;
  readonly align: number;
}

/** Lays out fields as a C compiler does on x86-64 (natural alignment, tail padding). */
export function layoutStruct(fields: readonly FieldDef[]): StructLayout {
  let offset = 0;
  let align = 1;
  const placed: PlacedField[] = [];
  for (const f of fields) {
    const elem = SCALARS[f.type].size;
    offset = Math.ceil(offset / elem) * elem;
    align = Math.max(align, elem);
    const size = elem * (f.count ?? 1);
    placed.push({ ...f, offset, size });
    offset += size;
  }
  const sizeof = Math.ceil(offset / align) * align;
  return { fields: placed, byName: Object.fromEntries(placed.map((f) => [f.name, f])), sizeof, align };
}

/** Each packet kind's full layout (common header then its fields). */
export const PACKET_LAYOUTS = Object.fromEntries(
  Object.entries(PACKETS).map(([k, v]) => [
    k,
    layoutStruct([...PACKET_HEADER, ...v.fields]),
  ]),
) as { readonly [K in PacketKind]: StructLayout };

export const CHUNK_LAYOUT = layoutStruct(STR_CHUNK);
export const FILE_RECORD_LAYOUT = layoutStruct(FILE_RECORD);
export const FILE_HEADER_LAYOUT = layoutStruct(FILE_HEADER);
export const SECTION_LAYOUT = layoutStruct(SECTION_HEADER);

/** Byte offset of a field in a packet kind (throws on a typo, at module load of the caller). */
export function offsetOf(kind: PacketKind, field: string): number {
  const f = PACKET_LAYOUTS[kind].byName[field];
  if (!f) throw new Error(`layout: packet ${kind} has no field ${field}`);
  return f.offset;
}

/** Rounds n up to the format's alignment. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}
