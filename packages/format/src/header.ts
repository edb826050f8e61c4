/**
 * The v1 file header: a fixed prefix (FILE_HEADER) and sections (metadata JSON, the syscall
 * table of the recording arch, the trace.h text). Written by the TypeScript side of the
 * recorder (encodeHeader), read here (parseHeader). Both go through FILE_HEADER_LAYOUT and
 * SECTION_LAYOUT, so no offset is written twice; the module loads nothing a recorder does not
 * need at start-up.
 */
import { FormatError } from './errors.js';
import {
  FILE_HEADER_LAYOUT, FILE_MAGIC, FORMAT_VERSION, MAX_HEADER_SIZE, SECTION_KINDS, SECTION_LAYOUT, align8, type PlacedField,
} from './layout.js';
import { checkMeta, checkSyscalls } from './header-check.js';

/** String capture settings of a recording (vltrace(1) `-s`). */
export interface StringCapture {
  readonly mode: 'fast' | 'packet' | 'const' | 'full';
  /** the `-s` value asked for */
  readonly length: number;
  /** longest complete string with one string argument in this mode */
  readonly max: number;
}

/** Recording metadata (the META section). Unknown keys from newer writers are kept. */
export interface TraceMeta {
  readonly arch: string;
  readonly kernelRelease: string;
  readonly hostname: string;
  /** CLOCK_MONOTONIC and CLOCK_REALTIME read together at start, ns as decimal strings */
  readonly clock: { readonly monotonicNs: string; readonly realtimeNs: string };
  readonly cwd: string;
  /** the recorder's own argv */
  readonly argv: readonly string[];
  /** traced command, or null */
  readonly command: readonly string[] | null;
  /** traced pids (-p), empty otherwise */
  readonly pids: readonly number[];
  readonly systemWide: boolean;
  readonly followForks: boolean;
  readonly strings: StringCapture;
  /** the -e expression */
  readonly expr: string;
  readonly failedOnly: boolean;
  readonly ncpus: number;
  readonly ringSize: number;
  readonly recorder: string;
  readonly startedAt: string;
  readonly [key: string]: unknown;
}

/** One row of the recording's syscall table: [nr, name, nargs]. */
export type HeaderSyscall = readonly [nr: number, name: string, nargs: number];

/** A decoded file header. */
export interface TraceHeader {
  readonly version: { readonly major: number; readonly minor: number };
  readonly meta: TraceMeta;
  readonly syscalls: readonly HeaderSyscall[];
  readonly traceH: string;
  /** bytes the header occupies; packets start here */
  readonly size: number;
  /** 'v1' or 'legacy-0.1' */
  readonly format: 'v1' | 'legacy-0.1';
}

const utf8d = new TextDecoder('utf-8', { fatal: true });

const utf8 = new TextEncoder();

/** Size of the fixed header prefix: enough to learn the whole header's size. */
export const HEADER_PREFIX_SIZE = FILE_HEADER_LAYOUT.sizeof;

const F = FILE_HEADER_LAYOUT.byName;
const S = SECTION_LAYOUT.byName;

/** Reads the little-endian integer field `f` of a struct that starts at byte `base`. */
function readField(dv: DataView, base: number, f: PlacedField): number {
  switch (f.type) {
    case 'u16': return dv.getUint16(base + f.offset, true);
    case 'u32': return dv.getUint32(base + f.offset, true);
    default: throw new Error(`header: field ${f.name} is not a u16 or u32`);
  }
}

/** Writes the little-endian integer field `f` of a struct that starts at byte `base`. */
function writeField(dv: DataView, base: number, f: PlacedField, v: number): void {
  switch (f.type) {
    case 'u16': dv.setUint16(base + f.offset, v, true); break;
    case 'u32': dv.setUint32(base + f.offset, v, true); break;
    default: throw new Error(`header: field ${f.name} is not a u16 or u32`);
  }
}

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Serialises a header (used by the recorder and by tests). */
export function encodeHeader(meta: TraceMeta, syscalls: readonly HeaderSyscall[], traceH: string): Uint8Array {
  const sections: [number, Uint8Array][] = [
    [SECTION_KINDS.META.code, utf8.encode(JSON.stringify(meta))],
    [SECTION_KINDS.SYSCALLS.code, utf8.encode(JSON.stringify(syscalls))],
    [SECTION_KINDS.TRACE_H.code, utf8.encode(traceH)],
  ];
  const size = HEADER_PREFIX_SIZE + sections.reduce((s, [, d]) => s + SECTION_LAYOUT.sizeof + align8(d.length), 0);
  const out = new Uint8Array(size);
  const dv = viewOf(out);
  out.set(utf8.encode(FILE_MAGIC), F['magic']!.offset);
  writeField(dv, 0, F['version_major']!, FORMAT_VERSION.major);
  writeField(dv, 0, F['version_minor']!, FORMAT_VERSION.minor);
  writeField(dv, 0, F['header_size']!, size);
  writeField(dv, 0, F['flags']!, 0);
  writeField(dv, 0, F['nsections']!, sections.length);
  let o = HEADER_PREFIX_SIZE;
  for (const [kind, data] of sections) {
    writeField(dv, o, S['kind']!, kind);
    writeField(dv, o, S['len']!, data.length);
    out.set(data, o + SECTION_LAYOUT.sizeof);
    o += SECTION_LAYOUT.sizeof + align8(data.length);
  }
  return out;
}

/** What a header cut short by the end of the file is called in errors. */
export const CUT_HEADER = 'the file was cut inside its header';

/** Reads the prefix: checks magic and version, returns the whole header's size. */
export function parseHeaderPrefix(file: string, bytes: Uint8Array): { size: number; major: number; minor: number } {
  const have = Math.min(bytes.length, FILE_MAGIC.length);
  for (let i = 0; i < have; i++) {
    if (bytes[i] !== FILE_MAGIC.charCodeAt(i)) {
      throw new FormatError(file, 0, `magic ${JSON.stringify(FILE_MAGIC)} (a vltrace v1 file)`, JSON.stringify(String.fromCharCode(...bytes.subarray(0, FILE_MAGIC.length))));
    }
  }
  if (bytes.length === 0) throw new FormatError(file, 0, 'a vltrace recording', 'an empty file');
  if (bytes.length < HEADER_PREFIX_SIZE) {
    throw new FormatError(file, bytes.length, `a ${HEADER_PREFIX_SIZE}-byte vltrace file header`, `end of file after ${bytes.length} bytes (${CUT_HEADER})`);
  }
  const dv = viewOf(bytes);
  const major = readField(dv, 0, F['version_major']!);
  const minor = readField(dv, 0, F['version_minor']!);
  if (major !== FORMAT_VERSION.major) {
    throw new FormatError(file, F['version_major']!.offset, `format major version ${FORMAT_VERSION.major}`, `${major}.${minor}`);
  }
  const size = readField(dv, 0, F['header_size']!);
  if (size < HEADER_PREFIX_SIZE || size > MAX_HEADER_SIZE || size % 8 !== 0) {
    throw new FormatError(file, F['header_size']!.offset, `a header size, multiple of 8, in ${HEADER_PREFIX_SIZE}..${MAX_HEADER_SIZE}`, String(size));
  }
  return { size, major, minor };
}

/** Decodes a whole header (`bytes` holds at least header_size bytes). */
export function parseHeader(file: string, bytes: Uint8Array): TraceHeader {
  const { size, major, minor } = parseHeaderPrefix(file, bytes);
  if (bytes.length < size) {
    throw new FormatError(file, bytes.length, `a ${size}-byte file header`, `end of file after ${bytes.length} bytes (${CUT_HEADER})`);
  }
  const dv = viewOf(bytes);
  const nsections = readField(dv, 0, F['nsections']!);
  let meta: TraceMeta | undefined;
  let syscalls: HeaderSyscall[] = [];
  let traceH = '';
  let o = HEADER_PREFIX_SIZE;
  for (let i = 0; i < nsections; i++) {
    if (o + SECTION_LAYOUT.sizeof > size) {
      throw new FormatError(file, o, `section ${i + 1} of ${nsections} inside the ${size}-byte header`);
    }
    const kind = readField(dv, o, S['kind']!);
    const len = readField(dv, o, S['len']!);
    const start = o + SECTION_LAYOUT.sizeof;
    if (start + len > size) {
      throw new FormatError(file, o + S['len']!.offset, `a section length within the header (at most ${size - start})`, String(len));
    }
    const data = bytes.subarray(start, start + len);
    const json = (what: string): unknown => {
      try {
        return JSON.parse(utf8d.decode(data));
      } catch (e) {
        throw new FormatError(file, start, `${what} as UTF-8 JSON`, (e as Error).message);
      }
    };
    switch (kind) {
      case SECTION_KINDS.META.code:
        meta = checkMeta(file, start, json('recording metadata'));
        break;
      case SECTION_KINDS.SYSCALLS.code:
        syscalls = checkSyscalls(file, start, json('the syscall table'));
        break;
      case SECTION_KINDS.TRACE_H.code:
        traceH = new TextDecoder().decode(data);
        break;
      default:
        break; // a section from a newer writer: skipped
    }
    o = start + align8(len);
  }
  if (!meta) throw new FormatError(file, HEADER_PREFIX_SIZE, 'a metadata section in the header');
  return { version: { major, minor }, meta, syscalls, traceH, size, format: 'v1' };
}

/** Converts a CLOCK_MONOTONIC ns value of a recording to wall-clock ns since the epoch. */
export function toWallClockNs(meta: TraceMeta, monotonicNs: bigint): bigint {
  return monotonicNs - BigInt(meta.clock.monotonicNs) + BigInt(meta.clock.realtimeNs);
}
