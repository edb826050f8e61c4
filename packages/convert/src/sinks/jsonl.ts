/**
 * jsonl: one JSON object per row of the schema (SCHEMA.md), every column present, null where
 * the value is absent. 64-bit integers (timestamps, arguments, ret, lost) are written as plain
 * JSON numbers with their exact decimal digits — never rounded — so readers that keep integers
 * exact (DuckDB read_json, jq ≥ 1.7, Python, Go with UseNumber) get them exactly; JavaScript's
 * JSON.parse rounds values above 2^53, so JS readers should parse with a BigInt-aware parser.
 */
import { Buffer } from 'node:buffer';
import { MAX_ARGS, type TraceItem } from '@vltrace/format';
import { ByteOut, putBytes, putInt, putLatin1 } from '../byte-out.js';
import { EncodedNames, prepare, RowWriter } from '../fields.js';
import { lostRows, RowStatus, type Rows } from '../schema.js';
import type { Sink, SinkOptions } from '../sink.js';

const key = (k: string) => Buffer.from(k, 'latin1');
const K = {
  tsEnter: key('{"ts_enter":'), tsExit: key(',"ts_exit":'), dur: key(',"duration_ns":'), pid: key(',"pid":'),
  tid: key(',"tid":'), comm: key(',"comm":'), syscall: key(',"syscall":'), nr: key(',"nr":'),
  args: [0, 1, 2, 3, 4, 5].map((a) => key(`,"arg${a}":`)), strs: [0, 1, 2, 3, 4, 5].map((a) => key(`,"str${a}":`)),
  strFlags: key(',"str_flags":'), ret: key(',"ret":'), errno: key(',"errno":'), errnoName: key(',"errno_name":'),
  status: key(',"status":'), lost: key(',"lost":'), cpu: key(',"cpu":'),
  noLost: key(',"lost":null,"cpu":null}\n'), noErrno: key(',"errno":null,"errno_name":null'),
  lostIds: key(',"pid":null,"tid":null'), lostNames: key(',"syscall":null,"nr":null'), end: key('}\n'),
};
const NULL = key('null');
/** printable ASCII other than `"` and `\` goes into a JSON string as it is */
const plain = (c: number) => c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
/** bytes a row takes at most, strings and names aside */
const ROW = 1024;

export function createJsonlSink(stream: NodeJS.WritableStream, options: SinkOptions): Sink {
  const o = new ByteOut(stream);
  const f = new RowWriter(options.header, (s) => JSON.stringify(s), plain, 'null');
  let comms: readonly string[] = [];
  const commNames = new EncodedNames((c) => JSON.stringify(comms[c]!));
  /** the value written from p to q, or null when nothing was */
  const orNull = (b: Buffer, p: number, q: number) => (q === p ? putBytes(b, p, NULL) : q);

  const rows = (batch: Rows) => {
    const r = prepare(batch);
    comms = batch.comms;
    const { status, pid, tid, nr, comm, strings } = batch;
    for (let i = 0; i < batch.length; i++) {
      const lost = status[i] === RowStatus.LOST;
      const commName = comm[i]! >= 0 ? commNames.get(comm[i]!) : NULL;
      const name = lost ? NULL : f.syscalls.get(nr[i]!);
      const b = o.row(ROW + f.stringRoom(r, i) + commName.length + name.length);
      let p = putBytes(b, o.pos, K.tsEnter);
      p = orNull(b, p, f.tsEnter(b, p, r, i));
      p = putBytes(b, p, K.tsExit);
      p = orNull(b, p, f.tsExit(b, p, r, i));
      p = putBytes(b, p, K.dur);
      p = orNull(b, p, f.duration(b, p, r, i));
      if (lost) {
        p = putBytes(b, p, K.lostIds);
      } else {
        p = putBytes(b, p, K.pid);
        p = putInt(b, p, pid[i]!);
        p = putBytes(b, p, K.tid);
        p = putInt(b, p, tid[i]!);
      }
      p = putBytes(b, p, K.comm);
      p = putBytes(b, p, commName);
      if (lost) {
        p = putBytes(b, p, K.lostNames);
      } else {
        p = putBytes(b, p, K.syscall);
        p = putBytes(b, p, name);
        p = putBytes(b, p, K.nr);
        p = putInt(b, p, nr[i]!);
      }
      for (let a = 0; a < MAX_ARGS; a++) {
        p = putBytes(b, p, K.args[a]!);
        p = orNull(b, p, f.arg(b, p, r, a, i));
      }
      let strFlags = 0;
      for (let a = 0; a < MAX_ARGS; a++) {
        p = putBytes(b, p, K.strs[a]!);
        if (strings[a]!.flags[i] !== 0) {
          p = f.str(b, p, r, a, i);
          strFlags |= f.flags << (4 * a);
        } else {
          p = putBytes(b, p, NULL);
        }
      }
      p = putBytes(b, p, K.strFlags);
      p = putInt(b, p, strFlags);
      p = putBytes(b, p, K.ret);
      p = orNull(b, p, f.ret(b, p, r, i));
      const errno = f.errno(r, i);
      if (errno > 0) {
        p = putBytes(b, p, K.errno);
        p = putInt(b, p, errno);
        p = putBytes(b, p, K.errnoName);
        p = putBytes(b, p, f.errnos.get(errno));
      } else {
        p = putBytes(b, p, K.noErrno);
      }
      p = putBytes(b, p, K.status);
      p = putBytes(b, p, f.statuses.get(status[i]!));
      if (lost && batch.lost && batch.cpu) {
        p = putBytes(b, p, K.lost);
        p = putLatin1(b, p, batch.lost[i]!.toString());
        p = putBytes(b, p, K.cpu);
        p = putInt(b, p, batch.cpu[i]!);
        p = putBytes(b, p, K.end);
      } else {
        p = putBytes(b, p, K.noLost);
      }
      o.pos = p;
    }
    return o.flush();
  };

  return {
    write(item: TraceItem) {
      if (item.type === 'syscalls') return rows(item.batch);
      if (item.type === 'lost') return rows(lostRows(item, []));
    },
    close: () => o.close(),
  };
}
