/**
 * The files behind descriptors, as FD_RET, FD_PAIR and CWD data chunks record them (FORMAT.md
 * "Files behind descriptors"): a FILE_RECORD each, then the components of its path from the
 * file up. `fileName` turns a record into the name /proc/PID/fd/FD shows, which is the kernel's
 * d_path(): the path from the caller's root with symlinks resolved (`/usr/lib/x86_64-linux-gnu/
 * libc.so.6` for a file opened as `/lib/…`), or, for the files a file system names itself,
 * `pipe:[534129]`, `socket:[534131]`, `anon_inode:[eventfd]`, `/memfd:name (deleted)`.
 */
import { FD_CWD, FILE_FLAGS, FILE_RECORD_LAYOUT } from './layout.js';

/** One file record. */
export interface FileRecord {
  /** the descriptor (FD_CWD: the working directory) */
  readonly fd: number;
  readonly ino: bigint;
  /** i_mode: type and permission bits */
  readonly mode: number;
  /** the file system's magic number */
  readonly magic: number;
  /** FILE_FLAGS bits */
  readonly flags: number;
  /** path components, innermost first (the walk went up); one, the dentry name, for DNAME */
  readonly components: readonly Uint8Array[];
}

/** Magic numbers (linux/magic.h) of the file systems that name their files (d_dname). */
export const FS_MAGIC = {
  PIPEFS: 0x50495045,
  SOCKFS: 0x534f434b,
  ANON_INODE_FS: 0x09041934,
  PID_FS: 0x50494446,
  NSFS: 0x6e736673,
  DMA_BUF: 0x444d4142,
} as const;

const F = FILE_RECORD_LAYOUT.byName;
const HDR = FILE_RECORD_LAYOUT.sizeof;

/**
 * The records of a chunk's bytes (FD_RET: one, FD_PAIR: two, CWD: one). A record cut short (a
 * chunk read in a packet that ran out) ends the list; its components so far are kept and it is
 * flagged TRUNCATED.
 */
export function decodeFileRecords(bytes: Uint8Array): FileRecord[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: FileRecord[] = [];
  let p = 0;
  while (p + HDR <= bytes.length) {
    const count = dv.getUint16(p + F['count']!.offset, true);
    let flags = dv.getUint16(p + F['flags']!.offset, true);
    const components: Uint8Array[] = [];
    let q = p + HDR;
    for (let k = 0; k < count; k++) {
      if (q + 2 > bytes.length) break;
      const len = dv.getUint16(q, true);
      if (q + 2 + len > bytes.length) break;
      components.push(bytes.subarray(q + 2, q + 2 + len));
      q += 2 + len;
    }
    if (components.length < count) flags |= FILE_FLAGS.TRUNCATED.bit;
    out.push({
      fd: dv.getInt32(p + F['fd']!.offset, true),
      ino: dv.getBigUint64(p + F['ino']!.offset, true),
      mode: dv.getUint32(p + F['mode']!.offset, true),
      magic: dv.getUint32(p + F['magic']!.offset, true),
      flags,
      components,
    });
    if (components.length < count) break;
    p = q;
  }
  return out;
}

/** A file's name as /proc shows it, and whether it was deleted (/proc's ` (deleted)` suffix, kept apart). */
export interface FileName {
  /** the bytes of the name */
  readonly name: Uint8Array;
  readonly deleted: boolean;
}

const enc = new TextEncoder();
const ascii = (s: string) => enc.encode(s);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The name of a file record, as d_path() gives it (and /proc/PID/fd/FD shows it), undefined for
 * a record without a file (NONE). A path whose outermost components were left out (TRUNCATED)
 * starts with `...` instead of `/`, so it is never taken for a whole path.
 */
export function fileName(r: FileRecord): FileName | undefined {
  if ((r.flags & FILE_FLAGS.NONE.bit) !== 0) return undefined;
  const deleted = (r.flags & FILE_FLAGS.DELETED.bit) !== 0;
  if ((r.flags & FILE_FLAGS.DNAME.bit) !== 0) {
    const own = r.components[0] ?? new Uint8Array(0);
    switch (r.magic) {
      case FS_MAGIC.PIPEFS: return { name: ascii(`pipe:[${r.ino}]`), deleted: false };
      case FS_MAGIC.SOCKFS: return { name: ascii(`socket:[${r.ino}]`), deleted: false };
      case FS_MAGIC.ANON_INODE_FS: return { name: concat([ascii('anon_inode:'), own]), deleted: false };
      case FS_MAGIC.PID_FS: return { name: ascii('anon_inode:[pidfd]'), deleted: false };
      // the namespace's type is the dentry's name: net:[4026531840]
      case FS_MAGIC.NSFS: return { name: concat([own, ascii(`:[${r.ino}]`)]), deleted: false };
      // a dma-buf's dentry holds its name: /dmabuf:name
      case FS_MAGIC.DMA_BUF: return { name: concat([ascii('/'), own]), deleted: false };
      // simple_dname(), the kernel's default for files made with alloc_file_pseudo(): memfd,
      // secretmem, SysV shared memory: /name (deleted)
      default: return { name: concat([ascii('/'), own]), deleted: true };
    }
  }
  const truncated = (r.flags & FILE_FLAGS.TRUNCATED.bit) !== 0;
  const parts: Uint8Array[] = [];
  for (let k = r.components.length - 1; k >= 0; k--) parts.push(ascii('/'), r.components[k]!);
  if (truncated) parts.unshift(ascii('...'));
  else if (parts.length === 0) parts.push(ascii('/'));
  return { name: concat(parts), deleted };
}

/** Whether a record is the working directory's. */
export function isCwdRecord(r: FileRecord): boolean {
  return r.fd === FD_CWD;
}

/** A file record to encode (tests, synthetic recordings): components innermost first. */
export interface FileRecordSpec {
  readonly fd: number;
  readonly ino?: bigint;
  readonly mode?: number;
  readonly magic?: number;
  readonly flags?: number;
  readonly components?: readonly (string | Uint8Array)[];
}

/** The bytes of file records as the recorder writes them in a chunk (the inverse of decodeFileRecords). */
export function encodeFileRecords(records: readonly FileRecordSpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    const comps = (r.components ?? []).map((c) => (typeof c === 'string' ? enc.encode(c) : c));
    const head = new Uint8Array(HDR);
    const dv = new DataView(head.buffer);
    dv.setBigUint64(F['ino']!.offset, r.ino ?? 0n, true);
    dv.setInt32(F['fd']!.offset, r.fd, true);
    dv.setUint32(F['mode']!.offset, r.mode ?? 0, true);
    dv.setUint32(F['magic']!.offset, r.magic ?? 0, true);
    dv.setUint16(F['flags']!.offset, r.flags ?? 0, true);
    dv.setUint16(F['count']!.offset, comps.length, true);
    parts.push(head);
    for (const c of comps) {
      const len = new Uint8Array(2);
      new DataView(len.buffer).setUint16(0, c.length, true);
      parts.push(len, c);
    }
  }
  return concat(parts);
}
