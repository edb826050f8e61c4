/**
 * hex: the format of vltrace(1)'s EXAMPLES — one line per syscall: PID, [TIME(usec) with -t],
 * ERR, RES, SYSCALL, ARG1…ARG6, AUX_DATA (the comm), numbers as 16 upper-case hex digits,
 * strings as their raw bytes, fields joined by the -K separator, the column header line first.
 * ERR is the errno when the call failed (RES then reads FFFFFFFFFFFFFFFF), else 0. All six ARG
 * fields are always written (empty past the syscall's arguments) so AUX_DATA keeps its column.
 * Unfinished calls show dashes in ERR and RES; no-entry calls have empty ARG fields. A string
 * cut at capture (or by -s) ends with `...`; one whose read failed ends with `[read error]`.
 * Lost-event reports print as `LOST` lines: ERR holds the packets lost, RES the CPU. A signal
 * prints as a line of its thread's process: ERR holds si_errno, RES si_code, SYSCALL the
 * signal's name (`SIGCHLD`), ARG1 strace's siginfo text (`{si_signo=SIGCHLD, …}`), ARG2
 * `ignored` when it was discarded when sent.
 */
import { Buffer } from 'node:buffer';
import { MAX_ARGS, StrFlags, SyscallStatus, type SignalEvent, type TraceItem } from '@vltrace/format';
import { ByteOut, key, putBytes, putHex16, putKey, type Key } from '../byte-out.js';
import { prepare, syscallNames } from '../fields.js';
import { hex16, hexNum } from '../int64.js';
import { RowStatus, rowsSink, type Rows } from '../schema.js';
import type { Sink, SinkOptions } from '../sink.js';
import { signame } from '../strace/args.js';
import { printSignalInfo } from '../strace/siginfo.js';

const TWO32 = 4294967296;
// constants as Keys: written in whole 32-bit words (see byte-out.ts)
const FAILED_RES = key('FFFFFFFFFFFFFFFF');
const NONE = key('-'.repeat(16));
const CUT = key('...');
const READ_ERROR = key('[read error]');
const NL = 10;
const EMPTY = key('');

export function createHexSink(stream: NodeJS.WritableStream, options: SinkOptions): Sink {
  const o = new ByteOut(stream);
  const sepChar = (options.separator ?? ' ').slice(0, 1) || ' ';
  const sep = Buffer.from(sepChar, 'utf8');
  const withTs = (options.timestamps ?? 0) > 0;
  const width = options.stringWidth;
  const lookup = syscallNames(options.header);
  const nameCache: Key[] = [];
  const names = (nr: number) => (nr >= 0 && nr < 4096 ? (nameCache[nr] ??= key(lookup(nr), 'utf8')) : key(lookup(nr), 'utf8'));
  let comms: readonly string[] = [];
  const commKeys: Key[] = [];
  let haveFirst = false;
  let firstNs = 0n;
  let firstNum = 0;
  let firstSafe = false;
  o.utf8(['PID', ...(withTs ? ['TIME(usec)'] : []), 'ERR', 'RES', 'SYSCALL', 'ARG1', 'ARG2', 'ARG3', 'ARG4', 'ARG5', 'ARG6', 'AUX_DATA'].join(sepChar) + '\n');

  /** TIME(usec): µs since the first syscall's start (through Numbers below 2^53 ns) */
  const time = (ts: bigint, hi: number, lo: number) => {
    if (!haveFirst) {
      haveFirst = true;
      firstNs = ts;
      firstNum = Number(ts);
      firstSafe = Number.isSafeInteger(firstNum);
    }
    const us = firstSafe && hi >= 0 && hi < 0x200000 ? Math.floor((hi * TWO32 + lo - firstNum) / 1000) : Number((ts - firstNs) / 1000n);
    o.latin1(hexNum(us));
    o.raw(sep);
  };

  const rows = (batch: Rows) => {
    const r = prepare(batch);
    comms = batch.comms;
    const { status, pid, nr, nargs, strings, comm } = batch;
    const sepLen = sep.length;
    const putSep = (b: Buffer, p: number) => (sepLen === 1 ? ((b[p] = sep[0]!), p + 1) : putBytes(b, p, sep));
    for (let i = 0; i < batch.length; i++) {
      const st = status[i]!;
      const noEntry = st === SyscallStatus.NO_ENTRY;
      const t = noEntry ? r.tsX : r.tsE;
      if (st === RowStatus.LOST) {
        o.latin1('LOST' + sepChar);
        if (withTs) time(batch.tsEnter[i]!, t.hi[2 * i + 1]!, t.lo[2 * i]!);
        o.latin1([hexNum(Number(batch.lost?.[i] ?? 0n)), hexNum(batch.cpu?.[i] ?? 0), 'lost'].join(sepChar) + sepChar.repeat(MAX_ARGS + 1) + '\n');
        continue;
      }
      const c = comm[i]!;
      const commName = c >= 0 ? (commKeys[c] ??= key(comms[c]!, 'utf8')) : EMPTY;
      const name = names(nr[i]!);
      let room = 256 + commName.length + name.length;
      for (let a = 0; a < MAX_ARGS; a++) if (strings[a]!.flags[i] !== 0) room += strings[a]!.offsets[i + 1]! - strings[a]!.offsets[i]! + 16;
      let b = o.row(room);
      let dv = o.dv;
      let p = putHex16(dv, o.pos, pid[i]!, 0);
      p = putSep(b, p);
      if (withTs) {
        o.pos = p;
        time(noEntry ? batch.tsExit[i]! : batch.tsEnter[i]!, t.hi[2 * i + 1]!, t.lo[2 * i]!);
        b = o.row(room);
        dv = o.dv;
        p = o.pos;
      }
      if (st === SyscallStatus.UNFINISHED) {
        p = putKey(b, dv, p, NONE);
        p = putSep(b, p);
        p = putKey(b, dv, p, NONE);
      } else {
        const hi = r.ret.hi[2 * i + 1]!;
        const lo = r.ret.lo[2 * i]!;
        if (hi === -1 && lo >= TWO32 - 4095) {
          p = putHex16(dv, p, TWO32 - lo, 0);
          p = putSep(b, p);
          p = putKey(b, dv, p, FAILED_RES);
        } else {
          p = putHex16(dv, p, 0, 0);
          p = putSep(b, p);
          p = putHex16(dv, p, lo, hi);
        }
      }
      p = putSep(b, p);
      p = putKey(b, dv, p, name);
      const na = nargs[i]!;
      for (let a = 0; a < MAX_ARGS; a++) {
        p = putSep(b, p);
        if (a >= na) continue;
        const col = strings[a]!;
        const f = col.flags[i]!;
        if ((f & StrFlags.PRESENT) === 0) {
          const h = r.args[a]!;
          p = putHex16(dv, p, h.lo[2 * i]!, h.hi[2 * i + 1]!);
          continue;
        }
        const start = col.offsets[i]!;
        let end = col.offsets[i + 1]!;
        const cut = width !== undefined && end - start > width;
        if (cut) end = start + width!;
        p = putBytes(b, p, col.data, start, end);
        if (cut || (f & StrFlags.TRUNCATED) !== 0) p = putKey(b, dv, p, CUT);
        if ((f & StrFlags.READ_ERROR) !== 0) p = putKey(b, dv, p, READ_ERROR);
      }
      p = putSep(b, p);
      p = putKey(b, dv, p, commName);
      b[p++] = NL;
      o.pos = p;
    }
    return o.flush();
  };

  const signal = (e: SignalEvent) => {
    o.latin1(hex16(e.pid, 0) + sepChar);
    if (withTs) time(e.ts, Number(BigInt.asIntN(32, e.ts >> 32n)), Number(BigInt.asUintN(32, e.ts)));
    // 32-bit values as 64-bit ones, sign-extended like the other columns
    const wide = (v: number) => hex16(v, v < 0 ? -1 : 0);
    const fields = [
      wide(e.errno), wide(e.code), signame(e.signo),
      printSignalInfo(e.signo, e.errno, e.code, e.fields), e.ignored ? 'ignored' : '', '', '', '', '',
    ];
    o.utf8(fields.join(sepChar) + sepChar + (e.comm ?? '') + '\n');
    return o.flush();
  };

  const sink = rowsSink(rows, o, options.recycle);
  return {
    write(item: TraceItem) {
      return item.type === 'signal' ? signal(item) : sink.write(item);
    },
    close: () => sink.close(),
  };
}
