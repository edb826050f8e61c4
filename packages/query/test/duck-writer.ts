// An independent writer of the syscalls schema (packages/convert/SCHEMA.md): a recording's rows
// through DuckDB's own Parquet writer, so the reports are also tested on Parquet that
// @vltrace/convert did not write (and before its sink existed).
import { Buffer } from 'node:buffer';
import { writeFileSync, rmSync } from 'node:fs';
import { batchSyscalls, openTrace, toWallClockNs } from '@vltrace/format';
import { printSignalInfo, signalName } from '@vltrace/convert';
import { TraceDb, sqlString } from '../src/db.js';
import { toJson } from '../src/output.js';

/** Writes `out`, the recording's rows, from a recording. */
export async function writeParquetWithDuckDB(bin: string, out: string): Promise<void> {
  const trace = await openTrace(bin);
  const meta = trace.header.meta;
  const wall = (v: bigint | undefined) => (v === undefined ? null : toWallClockNs(meta, v));
  const lines: string[] = [];
  for await (const item of trace.items()) {
    if (item.type === 'syscalls') {
      const d = item.batch.data;
      let i = 0;
      for (const sc of batchSyscalls(item.batch, trace.header)) {
        // the row's data chunks as the batch holds them (base64 in the JSON, a BLOB in Parquet)
        const data = d.flags[i] === 0 ? null : Buffer.from(d.data.subarray(d.offsets[i]!, d.offsets[i + 1]!)).toString('base64');
        i++;
        let flags = 0;
        sc.truncated.forEach((t, a) => (flags |= (t ? 1 : 0) << (4 * a)));
        sc.readError.forEach((t, a) => (flags |= (t ? 2 : 0) << (4 * a)));
        const row: Record<string, unknown> = {
          ts_enter: wall(sc.tsEnter), ts_exit: wall(sc.tsExit), duration_ns: sc.durationNs ?? null, pid: sc.pid, tid: sc.tid,
          comm: sc.comm ?? null, syscall: sc.name, nr: sc.nr, str_flags: flags, ret: sc.ret ?? null, errno: sc.errno ?? null,
          errno_name: sc.errnoName ?? null, status: sc.status, lost: null, cpu: null, data,
        };
        for (let a = 0; a < 6; a++) {
          row[`arg${a}`] = a < sc.args.length ? sc.args[a] : null;
          row[`str${a}`] = sc.strings[a] ?? null;
        }
        lines.push(toJson(row));
      }
    } else if (item.type === 'lost') {
      lines.push(toJson({ ts_enter: wall(item.firstTs), ts_exit: wall(item.lastTs), status: 'lost', lost: item.count, cpu: item.cpu, str_flags: 0 }));
    } else if (item.type === 'signal') {
      // the SIGCHLD's child and status as SCHEMA.md says; the text as strace prints it
      const f = new DataView(item.fields.buffer, item.fields.byteOffset);
      const chld = item.signo === 17 && item.code > 0;
      lines.push(toJson({
        ts_enter: wall(item.ts), pid: item.pid, tid: item.tid, comm: item.comm ?? null, str_flags: 0,
        status: item.ignored ? 'ignored-signal' : 'signal', signo: item.signo, signal: signalName(item.signo) ?? null, si_code: item.code,
        si_pid: chld || item.code <= 0 ? f.getInt32(0, true) : null, si_status: chld ? f.getInt32(8, true) : null,
        siginfo: printSignalInfo(item.signo, item.errno, item.code, item.fields),
      }));
    }
  }
  const jsonl = `${out}.jsonl`;
  writeFileSync(jsonl, lines.join('\n') + '\n');
  const db = await TraceDb.create();
  try {
    const cols: Record<string, string> = {
      ts_enter: 'BIGINT', ts_exit: 'BIGINT', duration_ns: 'BIGINT', pid: 'INTEGER', tid: 'INTEGER', comm: 'VARCHAR', syscall: 'VARCHAR', nr: 'INTEGER',
      arg0: 'BIGINT', arg1: 'BIGINT', arg2: 'BIGINT', arg3: 'BIGINT', arg4: 'BIGINT', arg5: 'BIGINT',
      str0: 'VARCHAR', str1: 'VARCHAR', str2: 'VARCHAR', str3: 'VARCHAR', str4: 'VARCHAR', str5: 'VARCHAR',
      str_flags: 'INTEGER', ret: 'BIGINT', errno: 'INTEGER', errno_name: 'VARCHAR', status: 'VARCHAR', lost: 'BIGINT', cpu: 'INTEGER',
      signo: 'INTEGER', signal: 'VARCHAR', si_code: 'INTEGER', si_pid: 'INTEGER', si_status: 'INTEGER', siginfo: 'VARCHAR', data: 'VARCHAR',
    };
    const select = Object.keys(cols)
      .map((c) => (c.startsWith('ts_') ? `make_timestamp_ns(${c}) AS ${c}` : c === 'data' ? 'from_base64(data) AS data' : c))
      .join(', ');
    await db.exec(`COPY (SELECT ${select} FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited',
      columns = {${Object.entries(cols).map(([k, v]) => `${k}: '${v}'`).join(', ')}})) TO ${sqlString(out)} (FORMAT parquet)`);
  } finally {
    db.close();
    rmSync(jsonl, { force: true });
  }
}
