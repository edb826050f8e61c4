/**
 * Writing the v1 file header (see header.ts for the reader). Kept apart from the reader so a
 * recorder does not load binary-parser at start-up.
 */
import type { HeaderSyscall, TraceMeta } from './header.js';
import { FILE_HEADER_LAYOUT, FILE_MAGIC, FORMAT_VERSION, SECTION_KINDS, SECTION_LAYOUT, align8 } from './layout.js';

const utf8 = new TextEncoder();

/** Size of the fixed header prefix: enough to learn the whole header's size. */
export const HEADER_PREFIX_SIZE = FILE_HEADER_LAYOUT.sizeof;

/** Serialises a header (used by the recorder and by tests). */
export function encodeHeader(meta: TraceMeta, syscalls: readonly HeaderSyscall[], traceH: string): Uint8Array {
  const sections: [number, Uint8Array][] = [
    [SECTION_KINDS.META.code, utf8.encode(JSON.stringify(meta))],
    [SECTION_KINDS.SYSCALLS.code, utf8.encode(JSON.stringify(syscalls))],
    [SECTION_KINDS.TRACE_H.code, utf8.encode(traceH)],
  ];
  const size = HEADER_PREFIX_SIZE + sections.reduce((s, [, d]) => s + SECTION_LAYOUT.sizeof + align8(d.length), 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(utf8.encode(FILE_MAGIC), 0);
  const f = FILE_HEADER_LAYOUT.byName;
  dv.setUint16(f['version_major']!.offset, FORMAT_VERSION.major, true);
  dv.setUint16(f['version_minor']!.offset, FORMAT_VERSION.minor, true);
  dv.setUint32(f['header_size']!.offset, size, true);
  dv.setUint32(f['flags']!.offset, 0, true);
  dv.setUint32(f['nsections']!.offset, sections.length, true);
  let o = HEADER_PREFIX_SIZE;
  for (const [kind, data] of sections) {
    dv.setUint32(o, kind, true);
    dv.setUint32(o + 4, data.length, true);
    out.set(data, o + SECTION_LAYOUT.sizeof);
    o += SECTION_LAYOUT.sizeof + align8(data.length);
  }
  return out;
}

