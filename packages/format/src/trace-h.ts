/**
 * Renders the format definition (layout.ts) into trace.h, the C header the native recorder and
 * its BPF program compile against, and that the recorder writes beside its logs.
 */
import {
  ALIGN, CAPTURE_BITS, CAPTURE_HOW, CHUNK_FLAGS, ITEM_FLAGS, COMM_LEN, FD_CWD, FD_INFO_FLAGS, FILE_FLAGS, FILE_MAGIC, FILE_RECORD, FORK_FLAGS,
  FORMAT_VERSION, INFO_BITS, MAX_ARGS,
  MAX_PACKET_SIZE, PACKETS, PACKET_HEADER, PROC_EXIT_FLAGS, SCALARS, SECTION_KINDS, SIGNAL_FLAGS, SIGINFO_FIELDS,
  STR_CHUNK, TRAILER_FLAGS, layoutStruct, type FieldDef,
} from './layout.js';

function cField(f: FieldDef): string {
  const arr = f.count === undefined ? '' : f.count === 0 ? '[]' : `[${f.count}]`;
  return `\t${SCALARS[f.type].c} ${f.name}${arr};`.padEnd(34) + ` /* ${f.doc} */`;
}

function cStruct(name: string, doc: string, fields: readonly FieldDef[]): string[] {
  const layout = layoutStruct(fields);
  const out = [`/* ${doc} */`, `struct ${name} {`, ...fields.map(cField), '};'];
  out.push(`_Static_assert(sizeof(struct ${name}) == ${layout.sizeof}, "${name} size");`);
  for (const f of layout.fields) {
    out.push(`_Static_assert(__builtin_offsetof(struct ${name}, ${f.name}) == ${f.offset}, "${name}.${f.name}");`);
  }
  return out;
}

function flagDefines(prefix: string, flags: Record<string, { bit: number; doc: string }>): string[] {
  return Object.entries(flags).map(
    ([k, v]) => `#define ${prefix}_${k} 0x${v.bit.toString(16)}`.padEnd(40) + ` /* ${v.doc} */`,
  );
}

/** The text of trace.h for this version of the format. */
export function renderTraceH(): string {
  const L: string[] = [];
  L.push('/* trace.h: the vltrace bin format v1, as C structs.');
  L.push(' * GENERATED from @vltrace/format src/layout.ts by src/trace-h.ts: do not edit.');
  L.push(' * Every packet starts with struct vlt_hdr; packets are little-endian, padded to 8 bytes. */');
  L.push('#ifndef VLTRACE_TRACE_H', '#define VLTRACE_TRACE_H', '');
  L.push('/* BPF programs get the __u* types from vmlinux.h, user space from <linux/types.h>. */');
  L.push('#ifndef __VMLINUX_H__', '#include <linux/types.h>', '#endif', '');
  L.push(`#define VLT_FORMAT_MAJOR ${FORMAT_VERSION.major}`);
  L.push(`#define VLT_FORMAT_MINOR ${FORMAT_VERSION.minor}`);
  L.push(`#define VLT_FILE_MAGIC "${FILE_MAGIC.replace('\0', '')}" /* followed by a NUL: 8 bytes */`);
  L.push(`#define VLT_ALIGN ${ALIGN}`);
  L.push(`#define VLT_MAX_PACKET_SIZE ${MAX_PACKET_SIZE}`);
  L.push(`#define VLT_MAX_ARGS ${MAX_ARGS}`);
  L.push(`#define VLT_COMM_LEN ${COMM_LEN}`);
  L.push(`#define VLT_SIGINFO_FIELDS ${SIGINFO_FIELDS}`, '');
  L.push('/* Packet types: bits 0-3 of vlt_hdr.info. */');
  for (const [k, v] of Object.entries(PACKETS)) {
    L.push(`#define VLT_PT_${k} ${v.code}`.padEnd(40) + ` /* ${v.doc} */`);
  }
  L.push('', '/* Bit fields of vlt_hdr.info. */');
  for (const [k, v] of Object.entries(INFO_BITS)) {
    L.push(`#define VLT_INFO_${k}_SHIFT ${v.shift}`);
    L.push(`#define VLT_INFO_${k}_MASK 0x${((1 << v.width) - 1).toString(16)}`.padEnd(40) + ` /* ${v.doc} */`);
  }
  L.push('', '/* Flags of a string chunk (vlt_str_chunk.flags). */', ...flagDefines('VLT_CHUNK', CHUNK_FLAGS));
  L.push('', '/* Flags of a fork packet. */', ...flagDefines('VLT_FORK', FORK_FLAGS));
  L.push('', '/* Flags of a proc_exit packet. */', ...flagDefines('VLT_PROC_EXIT', PROC_EXIT_FLAGS));
  L.push('', '/* Flags of the trailer packet. */', ...flagDefines('VLT_TRAILER', TRAILER_FLAGS));
  L.push('', '/* Flags of a signal packet. */', ...flagDefines('VLT_SIGNAL', SIGNAL_FLAGS));
  L.push('', '/* How the memory behind an argument is read (data chunks; the capture descriptors). */');
  for (const [k, v] of Object.entries(CAPTURE_HOW)) L.push(`#define VLT_CAP_${k} ${v.code}`.padEnd(40) + ` /* ${v.doc} */`);
  for (const [k, v] of Object.entries(CAPTURE_BITS)) {
    L.push(`#define VLT_CAP_${k}_SHIFT ${v.shift}`);
    L.push(`#define VLT_CAP_${k}_MASK 0x${((1 << v.width) - 1).toString(16)}`.padEnd(40) + ` /* ${v.doc} */`);
  }
  L.push('', '/* Flags of a string inside an ARGV or IOV data chunk. */', ...flagDefines('VLT_ITEM', ITEM_FLAGS));
  L.push('', '/* Flags of a file record (struct vlt_file) in FD_RET, FD_PAIR and CWD data chunks. */', ...flagDefines('VLT_FILE', FILE_FLAGS));
  L.push('', '/* Flags of an fd_info packet. */', ...flagDefines('VLT_FD_INFO', FD_INFO_FLAGS));
  L.push(`#define VLT_FD_CWD (${FD_CWD})`.padEnd(40) + ' /* the fd of a file record or fd_info packet that is the working directory */');
  L.push('', '/* File header sections (the header itself is written by the TypeScript side). */');
  for (const [k, v] of Object.entries(SECTION_KINDS)) {
    L.push(`#define VLT_SECTION_${k} ${v.code}`.padEnd(40) + ` /* ${v.doc} */`);
  }
  L.push('');
  L.push(...cStruct('vlt_hdr', 'common header of every packet', PACKET_HEADER), '');
  L.push(...cStruct('vlt_str_chunk', 'string chunk header; len bytes follow, no NUL, no padding', STR_CHUNK), '');
  L.push(...cStruct('vlt_file', 'the file behind a descriptor (FD_RET, FD_PAIR, CWD chunks); count path components follow, innermost first, each a __u16 length and its bytes', FILE_RECORD), '');
  for (const [k, v] of Object.entries(PACKETS)) {
    L.push(...cStruct(`vlt_${v.name}`, `${k}: ${v.doc}`, [...PACKET_HEADER, ...v.fields]), '');
  }
  L.push('#endif /* VLTRACE_TRACE_H */', '');
  return L.join('\n');
}
