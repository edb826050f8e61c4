/**
 * The settings that loading the BPF object depends on, read from their command-line text: the
 * string capture of -s and --string-mode, the ring size. A module of its own, with nothing
 * heavy behind it, because launch.ts reads them before anything else is loaded.
 */
import type { StringCapture } from '@vltrace/format/write';
import { UsageError } from './errors.js';

/** String capture modes of vltrace(1) -s, and their codes in the BPF program (VLT_STR_*). */
export const STRING_MODES = ['fast', 'packet', 'const', 'full'] as const;
export type StringMode = (typeof STRING_MODES)[number];
/** Bytes of a string per packet in the multi-packet modes. */
export const CHUNK_DATA = 383;
/** Largest N the BPF program accepts (VLT_MAX_CHUNKS). */
export const MAX_CHUNKS = 64;

/** The string capture of `-s length` (and an optional forced mode). */
export function stringCapture(length: number, forced: StringMode | 'auto' = 'auto'): StringCapture & { chunks: number } {
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`-s: a positive string length, not ${length}`);
  const mode: StringMode = forced !== 'auto' ? forced : length <= 126 ? 'fast' : length <= 382 ? 'packet' : 'full';
  if (mode === 'fast' || mode === 'packet') return { mode, length, max: 382, chunks: 1 };
  const chunks = Math.ceil((length + 1) / CHUNK_DATA);
  if (chunks > MAX_CHUNKS) {
    throw new UsageError(`-s ${length}: at most ${MAX_CHUNKS * CHUNK_DATA - 1} (${MAX_CHUNKS} packets of ${CHUNK_DATA} bytes)`);
  }
  return { mode, length, max: chunks * CHUNK_DATA - 1, chunks };
}

/** Parses 8388608, 8M, 8MiB, 512K, 1G; rounds up to a power of two of at least a page. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--ring-size: a size such as 16M, not '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]) * mult;
  if (n > 2 ** 31) throw new UsageError(`--ring-size: at most 2G, not ${text}`);
  return Math.max(4096, 2 ** Math.ceil(Math.log2(Math.max(n, 1))));
}
