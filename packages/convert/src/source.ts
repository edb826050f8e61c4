/**
 * The input side of a conversion: opens the recordings, applies the filters to each, and merges
 * several inputs into one stream in time order (by entry time; exit time for no-entry rows).
 */
import { statSync } from 'node:fs';
import {
  MAX_ARGS, openTrace, SyscallStatus, type FormatWarning, type OpenTraceOptions, type SyscallBatch, type Trace, type TraceHeader,
  type TraceItem, type TraceStats,
} from '@vltrace/format';
import { inputError } from './errors.js';
import type { Filter } from './filter.js';
import { hasFilter, type FilterOptions } from './filter-options.js';
import { RowCollector } from './select.js';
import type { Rows } from './schema.js';

/** The opened inputs: their headers, and the merged, filtered items. */
export interface Source {
  /** the first input's header: names, clock and metadata for the sinks */
  readonly header: TraceHeader;
  readonly traces: readonly Trace[];
  /** total input bytes (for progress) */
  readonly totalBytes: number;
  /** input bytes read so far */
  bytesRead(): number;
  items(): AsyncGenerator<TraceItem>;
  stats(): TraceStats[];
  warnings(): FormatWarning[];
  /**
   * Gives back a batch of items() (or its buffers) that nothing will read any more: its memory
   * holds later batches (Trace.recycle). Its arrays must not be used afterwards.
   */
  recycle(batch: SyscallBatch | Iterable<ArrayBufferLike>): void;
  /** Releases the inputs when items() is not read to its end (or not at all). */
  close(): Promise<void>;
}

/**
 * Opens every input (a FormatError names the first bad one, an InputError the first the system
 * would not let us read) and prepares the merged stream.
 */
export async function openSource(inputs: readonly string[], filter: FilterOptions = {}, readerOpts: OpenTraceOptions = {}): Promise<Source> {
  if (inputs.length === 0) throw new Error('no input recording given');
  const traces: Trace[] = [];
  try {
    for (const file of inputs) traces.push(await openTrace(file, readerOpts).catch((e: unknown) => Promise.reject(inputError(file, e))));
  } catch (e) {
    await Promise.all(traces.map((t) => t.close()));
    throw e;
  }
  let filters: (Filter | undefined)[] = traces.map(() => undefined);
  try {
    // the filter module (and the syscall classes and schema it brings) is loaded only when a
    // filter is given: the decoding thread starts ~20-30 ms sooner without it
    if (hasFilter(filter)) {
      const { compileFilter } = await import('./filter.js');
      filters = traces.map((t) => compileFilter(filter, t.header));
    }
  } catch (e) {
    await Promise.all(traces.map((t) => t.close()));
    throw e;
  }
  const totalBytes = inputs.reduce((s, f) => s + statSync(f).size, 0);
  return {
    header: traces[0]!.header,
    traces,
    totalBytes,
    bytesRead: () => traces.reduce((s, t) => s + t.header.size + t.stats.bytes, 0),
    items: () => (traces.length === 1 ? filtered(traces[0]!, filters[0]) : merged(traces, filters, readerOpts.batchRows ?? 65536)),
    close: () => Promise.all(traces.map((t) => t.close())).then(() => undefined),
    // merged batches are new arrays, not any reader's
    recycle: (b) => (traces.length === 1 ? traces[0]!.recycle(b) : undefined),
    stats: () => traces.map((t) => t.stats),
    warnings: () => traces.flatMap((t) => t.warnings),
  };
}

/** A trace's items through its filter; a read error of the file (EIO…) becomes an InputError. */
async function* filtered(trace: Trace, filter: Filter | undefined): AsyncGenerator<TraceItem> {
  const items = trace.items();
  try {
    for (;;) {
      let r: IteratorResult<TraceItem>;
      try {
        r = await items.next();
      } catch (e) {
        throw inputError(trace.file, e);
      }
      if (r.done) return;
      const item = r.value;
      if (!filter) {
        yield item;
      } else if (item.type === 'syscalls') {
        const rows = filter.rows(item.batch);
        // the rows selected are copied out (unless all of them are): the reader may reuse the rest
        if (rows !== item.batch) trace.recycle(item.batch);
        if (rows) yield { type: 'syscalls', batch: rows };
      } else if (filter.event(item)) {
        yield item;
      }
    }
  } finally {
    await items.return(undefined); // the consumer stopped early: the trace closes its file
  }
}

/** Offset between each input's monotonic clock and the first one's (0 within one boot). */
function clockShifts(traces: readonly Trace[]): bigint[] {
  const off = (t: Trace) => BigInt(t.header.meta.clock.realtimeNs) - BigInt(t.header.meta.clock.monotonicNs);
  const base = off(traces[0]!);
  // readings of one boot differ by the time between the two clock reads: not a real shift
  return traces.map((t) => {
    const d = off(t) - base;
    return d > 1_000_000_000n || d < -1_000_000_000n ? d : 0n;
  });
}

interface Head {
  it: AsyncGenerator<TraceItem>;
  item: TraceItem | undefined;
  row: number;
  done: boolean;
  /** input comm index → merged comm index */
  remap: number[];
}

const rowKey = (b: Rows, i: number) => (b.status[i] === SyscallStatus.NO_ENTRY ? b.tsExit[i]! : b.tsEnter[i]!);

/**
 * k-way merge by time. Timestamps of recordings from another boot are shifted onto the first
 * input's monotonic clock so that wall-clock times stay right.
 */
async function* merged(traces: readonly Trace[], filters: readonly (Filter | undefined)[], batchRows: number): AsyncGenerator<TraceItem> {
  const shifts = clockShifts(traces);
  const comms: string[] = [];
  const commIds = new Map<string, number>();
  const heads: Head[] = traces.map((t, k) => ({ it: filtered(t, filters[k]), item: undefined, row: 0, done: false, remap: [] }));
  const out = new RowCollector();
  const advance = async (h: Head) => {
    const r = await h.it.next();
    h.done = r.done === true;
    h.item = r.done ? undefined : r.value;
    h.row = 0;
  };
  await Promise.all(heads.map(advance));
  const keyOf = (h: Head, k: number): bigint => {
    const it = h.item!;
    return (it.type === 'syscalls' ? rowKey(it.batch, h.row) : it.ts) + shifts[k]!;
  };
  for (;;) {
    let best = -1;
    let bestKey = 0n;
    for (let k = 0; k < heads.length; k++) {
      const h = heads[k]!;
      if (h.done) continue;
      const key = keyOf(h, k);
      if (best < 0 || key < bestKey) {
        best = k;
        bestKey = key;
      }
    }
    if (best < 0) break;
    const h = heads[best]!;
    const it = h.item!;
    if (it.type !== 'syscalls') {
      if (out.length > 0) yield { type: 'syscalls', batch: out.take(comms) };
      yield shifts[best] === 0n ? it : shiftEvent(it, shifts[best]!);
      await advance(h);
      continue;
    }
    const b = it.batch;
    const c = b.comm[h.row]!;
    let comm = -1;
    if (c >= 0) {
      comm = h.remap[c] ?? -1;
      if (comm < 0) {
        const name = b.comms[c]!;
        comm = commIds.get(name) ?? comms.push(name) - 1;
        commIds.set(name, comm);
        h.remap[c] = comm;
      }
    }
    out.add(shifts[best] === 0n ? b : shiftRow(b, h.row, shifts[best]!), shifts[best] === 0n ? h.row : 0, comm);
    if (out.length >= batchRows) yield { type: 'syscalls', batch: out.take(comms) };
    if (++h.row >= b.length) await advance(h);
  }
  if (out.length > 0) yield { type: 'syscalls', batch: out.take(comms) };
}

/** Row i of b as a one-row batch with its timestamps shifted (inputs from another boot). */
function shiftRow(b: Rows, i: number, d: bigint): Rows {
  const one = <T extends { subarray(s: number, e: number): T }>(a: T) => a.subarray(i, i + 1);
  return {
    length: 1, pid: one(b.pid), tid: one(b.tid), nr: one(b.nr),
    tsEnter: BigInt64Array.of(b.status[i] === SyscallStatus.NO_ENTRY ? 0n : b.tsEnter[i]! + d),
    tsExit: BigInt64Array.of(b.status[i] === SyscallStatus.UNFINISHED || b.status[i] === SyscallStatus.ENTERED ? 0n : b.tsExit[i]! + d),
    args: b.args.slice(0, MAX_ARGS).map(one), nargs: one(b.nargs), ret: one(b.ret), status: one(b.status),
    strings: b.strings.map((c) => ({ offsets: c.offsets.subarray(i, i + 2), data: c.data, flags: one(c.flags) })),
    data: { offsets: b.data.offsets.subarray(i, i + 2), data: b.data.data, flags: one(b.data.flags) },
    comm: one(b.comm), comms: b.comms,
    ...(b.lost ? { lost: one(b.lost) } : {}), ...(b.cpu ? { cpu: one(b.cpu) } : {}),
  };
}

function shiftEvent<T extends Exclude<TraceItem, { type: 'syscalls' }>>(ev: T, d: bigint): T {
  const e = { ...ev, ts: ev.ts + d } as T & { firstTs?: bigint; lastTs?: bigint };
  if (e.type === 'lost') return { ...e, firstTs: e.firstTs! + d, lastTs: e.lastTs! + d };
  return e;
}
