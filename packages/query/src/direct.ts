/**
 * `summary` straight from recordings, without DuckDB or the Parquet cache: one pass over the
 * reader's batches, a group-by on (pid,) syscall of counts, errors and durations kept in typed
 * arrays. This is what `summary run.bin` does when the recording has no current cache: decoding
 * alone is a fraction of a conversion (which also loads DuckDB, appends every column and writes
 * Parquet), and the summary needs five columns of it. Reports that need more (and `sql`)
 * convert the recording once, as before.
 *
 * The numbers are by definition those of the SQL over the converted rows (the schema of
 * @vltrace/convert, SCHEMA.md): a call counts when it returned (status complete); it failed when
 * its return value is in -4095..-1; its duration is ts_exit - ts_enter, in exact integer ns;
 * rows without an exit (unfinished) or an entry (no-entry) are counted apart. The tests check
 * this path against the SQL path on the same recordings, option by option.
 */
import { nameLookup, syscallNameSpan, type SyscallBatch, type TraceHeader } from '@vltrace/format';
import { badRecording, openRecording } from './recording.js';

/** One group of the summary, as the SQL query returns it (before percentages and sorting). */
export interface SummaryGroup {
  pid: number | null;
  syscall: string;
  /** the syscall's number (strace -S nothing lists in this order); NaN where not asked for */
  nr: number;
  calls: number;
  errors: number;
  /** total duration of the complete calls, ns (exact) */
  totalNs: bigint;
  minNs: number;
  maxNs: number;
  unfinished: number;
  noEntry: number;
}

const TWO32 = 4294967296;
/** partial sums stay below this (exact in a double), then move into a BigInt */
const FLUSH = 2 ** 52;

class Acc {
  calls = 0;
  errors = 0;
  ns = 0;
  bigNs = 0n;
  min = Infinity;
  max = -Infinity;
  unfinished = 0;
  noEntry = 0;
  constructor(
    readonly pid: number | null,
    readonly nr: number,
    readonly name: string,
  ) {}
}

export interface DirectFilters {
  perPid?: boolean;
  pids?: readonly number[];
  nrs?: ReadonlySet<number>;
}

/** Aggregates one recording's batches into `groups` (keyed by pid and syscall number). */
class Aggregator {
  /** without perPid: the group of each small syscall number */
  private readonly byNr: (Acc | undefined)[] = [];
  private readonly byKey = new Map<string | number, Acc>();
  private readonly pids: Set<number> | undefined;
  private readonly perPid: boolean;

  constructor(
    private readonly f: DirectFilters,
    readonly groups: Acc[],
  ) {
    this.pids = f.pids ? new Set(f.pids) : undefined;
    this.perPid = f.perPid === true;
  }

  private group(pid: number, nr: number, name: (nr: number) => string): Acc {
    if (!this.perPid && nr >= 0 && nr < 8192) {
      let a = this.byNr[nr];
      if (!a) this.groups.push((a = this.byNr[nr] = new Acc(null, nr, name(nr))));
      return a;
    }
    const key = this.perPid && nr >= 0 && nr < 8192 ? pid * 8192 + nr : `${this.perPid ? pid : ''}/${nr}`;
    let a = this.byKey.get(key);
    if (!a) {
      a = new Acc(this.perPid ? pid : null, nr, name(nr));
      this.byKey.set(key, a);
      this.groups.push(a);
    }
    return a;
  }

  add(b: SyscallBatch, name: (nr: number) => string): void {
    const n = b.length;
    const { status, nr, pid } = b;
    // 64-bit columns read as 32-bit halves (little-endian): exact integer arithmetic on doubles
    const half = (a: BigInt64Array) => [new Int32Array(a.buffer, a.byteOffset, n * 2), new Uint32Array(a.buffer, a.byteOffset, n * 2)] as const;
    const [enterHi, enterLo] = half(b.tsEnter);
    const [exitHi, exitLo] = half(b.tsExit);
    const [retI] = half(b.ret);
    const pids = this.pids;
    const nrs = this.f.nrs;
    let last: Acc | undefined;
    let lastPid = NaN;
    let lastNr = NaN;
    for (let i = 0; i < n; i++) {
      const st = status[i]!;
      if (st > 2) continue; // only complete, unfinished, no-entry rows are syscalls
      const p = pid[i]!;
      const s = nr[i]!;
      if (pids !== undefined && !pids.has(p)) continue;
      if (nrs !== undefined && !nrs.has(s)) continue;
      let a: Acc;
      if (s === lastNr && (p === lastPid || !this.perPid)) a = last!;
      else {
        a = last = this.group(p, s, name);
        lastPid = p;
        lastNr = s;
      }
      if (st === 1) {
        a.unfinished++;
        continue;
      }
      if (st === 2) {
        a.noEntry++;
        continue;
      }
      a.calls++;
      const j = 2 * i;
      // errno when ret is in -4095..-1: high half all ones, low half (signed) in -4095..-1
      if (retI[j + 1] === -1) {
        const lo = retI[j]!;
        if (lo < 0 && lo >= -4095) a.errors++;
      }
      const dHi = exitHi[j + 1]! - enterHi[j + 1]!;
      let d: number;
      if (dHi < 0x100000 && dHi > -0x100000) {
        d = dHi * TWO32 + (exitLo[j]! - enterLo[j]!); // |d| < 2^52: exact, and so is ns + d
        a.ns += d;
        if (a.ns >= FLUSH || a.ns <= -FLUSH) {
          a.bigNs += BigInt(a.ns);
          a.ns = 0;
        }
      } else {
        // more than 52 days apart (a corrupt clock?): BigInt, exactly
        const big = b.tsExit[i]! - b.tsEnter[i]!;
        d = Number(big);
        a.bigNs += big;
      }
      if (d < a.min) a.min = d;
      if (d > a.max) a.max = d;
    }
  }
}

/**
 * The summary's groups over recordings (merged by pid and syscall name, as the SQL groups them
 * across inputs). Bad input is an InputError naming the file, as for a conversion.
 */
export async function summarizeRecordings(files: readonly string[], f: DirectFilters): Promise<SummaryGroup[]> {
  const merged = new Map<string, SummaryGroup>();
  for (const file of files) {
    const trace = await openRecording(file);
    const header: TraceHeader = trace.header;
    // as in the schema (convert's syscall dictionary): a name for 0..span-1
    // (syscallNameSpan), NULL beyond — which the SQL path shows as 'null'
    const known = nameLookup(header);
    const span = syscallNameSpan(header);
    const lookup = (nr: number) => (nr >= 0 && nr < span ? known(nr) : 'null');
    const groups: Acc[] = [];
    const agg = new Aggregator(f, groups);
    try {
      for await (const b of trace.batches()) agg.add(b, lookup);
    } catch (e) {
      throw badRecording(file, e);
    }
    for (const a of groups) {
      const key = `${a.pid ?? ''}/${a.name}`;
      const totalNs = a.bigNs + BigInt(a.ns);
      const g = merged.get(key);
      const min = a.calls > 0 ? a.min : 0;
      const max = a.calls > 0 ? a.max : 0;
      if (!g) {
        merged.set(key, {
          pid: a.pid, syscall: a.name, nr: a.nr, calls: a.calls, errors: a.errors, totalNs, minNs: min, maxNs: max, unfinished: a.unfinished, noEntry: a.noEntry,
        });
        continue;
      }
      if (a.calls > 0) {
        g.minNs = g.calls > 0 ? Math.min(g.minNs, min) : min;
        g.maxNs = g.calls > 0 ? Math.max(g.maxNs, max) : max;
      }
      g.calls += a.calls;
      g.errors += a.errors;
      g.totalNs += totalNs;
      g.unfinished += a.unfinished;
      g.noEntry += a.noEntry;
    }
  }
  return [...merged.values()];
}
