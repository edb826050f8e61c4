/**
 * The v1 file header: a fixed prefix (FILE_HEADER) and sections (metadata JSON, the syscall
 * table of the recording arch, the trace.h text). Written by the TypeScript side of the
 * recorder, read here. Parsed with binary-parser: a cold path, declarative like the layout.
 */
import { Parser } from 'binary-parser';
import { FormatError } from './errors.js';
import {
  FILE_HEADER_LAYOUT, FILE_MAGIC, FORMAT_VERSION, MAX_HEADER_SIZE, SECTION_KINDS, SECTION_LAYOUT, align8,
} from './layout.js';
import { HEADER_PREFIX_SIZE } from './header-encode.js';
import { checkMeta, checkSyscalls } from './header-check.js';

export { encodeHeader, HEADER_PREFIX_SIZE } from './header-encode.js';

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

const prefixParser = new Parser()
  .endianness('little')
  .string('magic', { length: 8 })
  .uint16('version_major')
  .uint16('version_minor')
  .uint32('header_size')
  .uint32('flags')
  .uint32('nsections');

const sectionParser = new Parser().endianness('little').uint32('kind').uint32('len');

interface Prefix {
  magic: string;
  version_major: number;
  version_minor: number;
  header_size: number;
  flags: number;
  nsections: number;
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
  const p = prefixParser.parse(bytes.subarray(0, HEADER_PREFIX_SIZE)) as Prefix;
  if (p.version_major !== FORMAT_VERSION.major) {
    throw new FormatError(file, FILE_HEADER_LAYOUT.byName['version_major']!.offset,
      `format major version ${FORMAT_VERSION.major}`, `${p.version_major}.${p.version_minor}`);
  }
  const sizeOff = FILE_HEADER_LAYOUT.byName['header_size']!.offset;
  if (p.header_size < HEADER_PREFIX_SIZE || p.header_size > MAX_HEADER_SIZE || p.header_size % 8 !== 0) {
    throw new FormatError(file, sizeOff, `a header size, multiple of 8, in ${HEADER_PREFIX_SIZE}..${MAX_HEADER_SIZE}`, String(p.header_size));
  }
  return { size: p.header_size, major: p.version_major, minor: p.version_minor };
}

/** Decodes a whole header (`bytes` holds at least header_size bytes). */
export function parseHeader(file: string, bytes: Uint8Array): TraceHeader {
  const { size, major, minor } = parseHeaderPrefix(file, bytes);
  if (bytes.length < size) {
    throw new FormatError(file, bytes.length, `a ${size}-byte file header`, `end of file after ${bytes.length} bytes (${CUT_HEADER})`);
  }
  const nsections = (prefixParser.parse(bytes.subarray(0, HEADER_PREFIX_SIZE)) as Prefix).nsections;
  let meta: TraceMeta | undefined;
  let syscalls: HeaderSyscall[] = [];
  let traceH = '';
  let o = HEADER_PREFIX_SIZE;
  for (let i = 0; i < nsections; i++) {
    if (o + SECTION_LAYOUT.sizeof > size) {
      throw new FormatError(file, o, `section ${i + 1} of ${nsections} inside the ${size}-byte header`);
    }
    const s = sectionParser.parse(bytes.subarray(o, o + SECTION_LAYOUT.sizeof)) as { kind: number; len: number };
    const start = o + SECTION_LAYOUT.sizeof;
    if (start + s.len > size) {
      throw new FormatError(file, o + 4, `a section length within the header (at most ${size - start})`, String(s.len));
    }
    const data = bytes.subarray(start, start + s.len);
    const json = (what: string): unknown => {
      try {
        return JSON.parse(utf8d.decode(data));
      } catch (e) {
        throw new FormatError(file, start, `${what} as UTF-8 JSON`, (e as Error).message);
      }
    };
    switch (s.kind) {
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
    o = start + align8(s.len);
  }
  if (!meta) throw new FormatError(file, HEADER_PREFIX_SIZE, 'a metadata section in the header');
  return { version: { major, minor }, meta, syscalls, traceH, size, format: 'v1' };
}

/** Converts a CLOCK_MONOTONIC ns value of a recording to wall-clock ns since the epoch. */
export function toWallClockNs(meta: TraceMeta, monotonicNs: bigint): bigint {
  return monotonicNs - BigInt(meta.clock.monotonicNs) + BigInt(meta.clock.realtimeNs);
}
