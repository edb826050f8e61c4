/**
 * The per-syscall view for scripts (`for await (const sc of trace.syscalls())`), built on the
 * batches. Convenient, not fast: it makes objects and BigInts; sinks use the batches.
 */
import { batchString, STATUS_NAMES, StrFlags, SyscallStatus, type SyscallBatch } from './batch.js';
import type { TraceHeader } from './header.js';
import { errnoName, MAX_SYSCALL_NR, syscallName } from './tables/index.js';

/** One syscall, as scripts like it. */
export interface Syscall {
  readonly pid: number;
  readonly tid: number;
  readonly nr: number;
  readonly name: string;
  /** the raw arguments the entry recorded */
  readonly args: readonly bigint[];
  /** string arguments by index (undefined where the argument is not a string) */
  readonly strings: readonly (string | undefined)[];
  /** per string argument: cut at the capture limit */
  readonly truncated: readonly boolean[];
  /** per string argument: reading it failed */
  readonly readError: readonly boolean[];
  /** raw return value (undefined when unfinished) */
  readonly ret: bigint | undefined;
  /** errno when ret is -4095..-1 */
  readonly errno: number | undefined;
  readonly errnoName: string | undefined;
  readonly tsEnter: bigint | undefined;
  readonly tsExit: bigint | undefined;
  readonly durationNs: bigint | undefined;
  /** 'entered' only from a reader with the `entered` option */
  readonly status: (typeof STATUS_NAMES)[number] | 'entered';
  readonly comm: string | undefined;
}

/** A name lookup that prefers the recording's own table, then the built-in one. */
export function nameLookup(header: TraceHeader): (nr: number) => string {
  const own = new Map(header.syscalls.map(([nr, name]) => [nr, name]));
  return (nr) => own.get(nr) ?? syscallName(nr);
}

/** Splits a raw return value into errno (Linux returns -errno in -4095..-1). */
export function retErrno(ret: bigint): number | undefined {
  return ret < 0n && ret >= -4095n ? Number(-ret) : undefined;
}

/** The rows of a batch as Syscall objects. */
export function* batchSyscalls(b: SyscallBatch, header: TraceHeader): Generator<Syscall> {
  const name = nameLookup(header);
  for (let i = 0; i < b.length; i++) {
    const status = b.status[i]!;
    const hasEntry = status !== SyscallStatus.NO_ENTRY;
    const hasExit = status !== SyscallStatus.UNFINISHED && status !== SyscallStatus.ENTERED;
    const args: bigint[] = [];
    for (let a = 0; a < b.nargs[i]!; a++) args.push(b.args[a]![i]!);
    const strings: (string | undefined)[] = [];
    const truncated: boolean[] = [];
    const readError: boolean[] = [];
    for (let a = 0; a < b.strings.length; a++) {
      strings.push(batchString(b, a, i));
      const f = b.strings[a]!.flags[i]!;
      truncated.push((f & StrFlags.TRUNCATED) !== 0);
      readError.push((f & StrFlags.READ_ERROR) !== 0);
    }
    const ret = hasExit ? b.ret[i]! : undefined;
    const errno = ret === undefined ? undefined : retErrno(ret);
    const tsEnter = hasEntry ? b.tsEnter[i]! : undefined;
    const tsExit = hasExit ? b.tsExit[i]! : undefined;
    yield {
      pid: b.pid[i]!, tid: b.tid[i]!, nr: b.nr[i]!, name: name(b.nr[i]!), args, strings, truncated, readError, ret, errno,
      errnoName: errno === undefined ? undefined : errnoName(errno),
      tsEnter, tsExit, durationNs: tsEnter !== undefined && tsExit !== undefined ? tsExit - tsEnter : undefined,
      status: status === SyscallStatus.ENTERED ? 'entered' : STATUS_NAMES[status]!, comm: b.comm[i]! >= 0 ? b.comms[b.comm[i]!] : undefined,
    };
  }
}

/**
 * Columnar outputs name syscalls through a dictionary indexed by number: it covers 0..span-1,
 * at least every number x86-64 can use (< 1024, x32's bit aside) and every number the
 * recording's table or the built-in one knows, so an unknown number still gets strace's
 * `syscall_0x…` name instead of none.
 */
export function syscallNameSpan(header: TraceHeader): number {
  let max = Math.max(1023, MAX_SYSCALL_NR);
  for (const [nr] of header.syscalls) if (nr > max) max = nr; // a loop: a table may have 64K rows, too many for a spread
  return max + 1;
}
