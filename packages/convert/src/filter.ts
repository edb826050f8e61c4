/**
 * The filters every format shares: -X/--failed, -e trace=…, -p/--pid, --tid, --since/--until.
 * A filter selects rows of a batch into a smaller batch (columnar, no object per row). Lost-event
 * reports are kept whenever they overlap the time window: a gap must stay visible whatever the
 * other filters say.
 */
import { resolveSyscallExpr, SyscallStatus, type TraceEvent, type TraceHeader } from '@vltrace/format';
import { UsageError } from './errors.js';
import { selectRows } from './select.js';
import { RowStatus, type Rows } from './schema.js';
import { hasFilter, type FilterOptions } from './filter-options.js';

export type { FilterOptions } from './filter-options.js';

/** A compiled filter for one input. */
export interface Filter {
  /** the selected rows (the batch itself when all are kept, undefined when none are) */
  rows(b: Rows): Rows | undefined;
  /**
   * the indices of the selected rows, in order (valid until the next call), or undefined when
   * every row is: for a sink that must see the rows it does not print (strace -y)
   */
  indices(b: Rows): Int32Array | undefined;
  /** whether an event between batches is kept */
  event(ev: TraceEvent): boolean;
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/**
 * A --since/--until value as CLOCK_MONOTONIC ns of the recording: relative values count from
 * the start of the recording (the header's clock), wall-clock ones are converted with it.
 */
export function parseTimeBound(value: string, header: TraceHeader, what = 'time'): bigint {
  const start = BigInt(header.meta.clock.monotonicNs);
  const rel = /^\+?(\d+)(?:\.(\d+))?(ns|us|ms|s|m|h)?$/.exec(value.trim());
  if (rel) {
    const unit = UNITS[rel[3] ?? 's']!;
    const frac = rel[2] ?? '';
    // exact decimal: whole·unit + frac·unit/10^digits
    const ns = BigInt(rel[1]!) * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    return start + ns;
  }
  const iso = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (iso) {
    const ms = Date.parse(`${iso[1]!.replace(' ', 'T')}${iso[3] ?? 'Z'}`);
    if (!Number.isNaN(ms)) {
      const wall = BigInt(ms) * 1_000_000n + BigInt((iso[2] ?? '').padEnd(9, '0') || '0');
      return wall - BigInt(header.meta.clock.realtimeNs) + start;
    }
  }
  throw new UsageError(`invalid ${what} '${value}': expected +1.5s, 250ms, 100us, 42ns, 2m, 1h (from the start of the recording) or an ISO time like 2026-11-26T10:00:00.5Z`);
}

/** Compiles the options for one input; undefined when nothing is filtered. */
export function compileFilter(opts: FilterOptions, header: TraceHeader): Filter | undefined {
  if (!hasFilter(opts)) return undefined;
  let traced: Set<number> | undefined;
  try {
    traced = opts.trace !== undefined ? resolveSyscallExpr(opts.trace) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const pids = opts.pids?.length ? new Set(opts.pids) : undefined;
  const tids = opts.tids?.length ? new Set(opts.tids) : undefined;
  const since = opts.since !== undefined ? parseTimeBound(opts.since, header, '--since') : undefined;
  const until = opts.until !== undefined ? parseTimeBound(opts.until, header, '--until') : undefined;
  const failed = opts.failed === true;
  let idx = new Int32Array(0);
  const inWindow = (t: bigint) => (since === undefined || t >= since) && (until === undefined || t < until);
  /** Selects rows of b into idx; returns how many. */
  const select = (b: Rows): number => {
    if (idx.length < b.length) idx = new Int32Array(b.length);
    const ret32 = new Int32Array(b.ret.buffer, b.ret.byteOffset, b.length * 2);
    let n = 0;
    for (let i = 0; i < b.length; i++) {
      const status = b.status[i]!;
      if (status === RowStatus.LOST) {
        // a lost row: kept if its window overlaps
        if ((until === undefined || b.tsEnter[i]! < until) && (since === undefined || b.tsExit[i]! >= since)) idx[n++] = i;
        continue;
      }
      if (failed) {
        // ret in −4095..−1: high word −1, low word ≥ 2^32 − 4095 (as signed: ≥ −4095)
        if (status === SyscallStatus.UNFINISHED || ret32[2 * i + 1] !== -1 || ret32[2 * i]! < -4095) continue;
      }
      if (traced && !traced.has(b.nr[i]!)) continue;
      if (pids && !pids.has(b.pid[i]!)) continue;
      if (tids && !tids.has(b.tid[i]!)) continue;
      if (since !== undefined || until !== undefined) {
        if (!inWindow(status === SyscallStatus.NO_ENTRY ? b.tsExit[i]! : b.tsEnter[i]!)) continue;
      }
      idx[n++] = i;
    }
    return n;
  };
  return {
    rows(b) {
      const n = select(b);
      if (n === b.length) return b;
      return n === 0 ? undefined : selectRows(b, idx, n);
    },
    indices(b) {
      const n = select(b);
      return n === b.length ? undefined : idx.subarray(0, n);
    },
    event(ev) {
      if (ev.type === 'lost') {
        return (until === undefined || ev.firstTs < until) && (since === undefined || ev.lastTs >= since);
      }
      if (ev.type === 'trailer') return true;
      if (pids && !pids.has(ev.pid)) return false;
      if (tids && !tids.has(ev.tid)) return false;
      return inWindow(ev.ts);
    },
  };
}
