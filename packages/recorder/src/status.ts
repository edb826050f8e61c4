/**
 * The system-wide status line. Recording every process fills a disk fast, so when stderr is a
 * terminal vltrace-record says what it is doing and how to stop it, then rewrites one line each
 * second with the size so far and the current growth (as perf record or sysdig show their
 * progress). Nothing when stderr is a file or a pipe: a log would fill with carriage returns.
 */
import type { NativeStats } from './native.js';

/** How often the status line is rewritten. */
export const STATUS_INTERVAL_MS = 1000;

/** Where the status goes: a terminal (process.stderr in the CLI). */
export interface StatusOut {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const KiB = 1024;
const MiB = 1024 * 1024;

/** 850 KiB, 12.3 MiB, 1.20 GiB */
export function sizeText(bytes: number): string {
  if (bytes < MiB) return `${Math.round(bytes / KiB)} KiB`;
  if (bytes < 1024 * MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MiB)).toFixed(2)} GiB`;
}

/**
 * Starts the status of a system-wide recording into `target` (the output file; undefined: stdout)
 * on `out`, if it is a terminal; returns what ends it (the line is then cleared, for the report).
 */
export function startStatus(out: StatusOut, target: string | undefined, stats: () => Pick<NativeStats, 'bytes' | 'events'>): () => void {
  if (!out.isTTY) return () => undefined;
  out.write(`vltrace-record: recording every process on the system${target ? ` into ${target}` : ''}; Ctrl-C stops\n`);
  // live text on the terminal shows its own growth, and a status line would cut through it
  if (target === undefined) return () => undefined;
  let last = { bytes: 0, events: 0, at: performance.now() };
  const timer = setInterval(() => {
    const now = performance.now();
    const st = stats();
    const secs = Math.max((now - last.at) / 1000, 1e-3);
    const rate = (st.bytes - last.bytes) / secs;
    out.write(`\r\x1b[Kvltrace-record: ${sizeText(st.bytes)} written, growing ${sizeText(rate)}/s (${Math.round((st.events - last.events) / secs)} packets/s)`);
    last = { bytes: st.bytes, events: st.events, at: now };
  }, STATUS_INTERVAL_MS);
  timer.unref();
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    out.write('\r\x1b[K');
  };
}
