// Small hand-built recordings and helpers shared by the tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import assert from 'node:assert/strict';
import type { Table } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  batchStringBytes, batchSyscalls, CHUNK_FLAGS, encodeHeader, openTrace, PacketWriter, toWallClockNs, type TraceMeta,
} from '@vltrace/format';
import { COLUMN_NAMES, escapeBytes, TEXT_COLUMN_NAMES } from '../src/index.js';
import { printSignalInfo } from '../src/strace/siginfo.js';
import { syntheticMeta } from '@vltrace/testkit';

/** The signal names the edge cases use. */
const SIGNAL_NAMES: Record<number, string> = { 11: 'SIGSEGV', 12: 'SIGUSR2', 17: 'SIGCHLD' };

export const META: TraceMeta = syntheticMeta();

const enc = (s: string) => new TextEncoder().encode(s);
export const { MORE, CONT, TRUNCATED, READ_ERROR } = {
  MORE: CHUNK_FLAGS.MORE.bit, CONT: CHUNK_FLAGS.CONT.bit, TRUNCATED: CHUNK_FLAGS.TRUNCATED.bit, READ_ERROR: CHUNK_FLAGS.READ_ERROR.bit,
};

let dir: string | undefined;
/** A fresh path in the test's temporary directory. */
export function tmpPath(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'vlt-convert-test-'));
  return join(dir, name);
}

/** Header + packets written to a temporary file. */
export function writeTrace(name: string, w: PacketWriter, meta: TraceMeta = META): string {
  const h = encodeHeader(meta, [], '/* trace.h */');
  const body = w.bytes();
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  const p = tmpPath(name);
  writeFileSync(p, out);
  return p;
}

/** Non-UTF-8 path bytes: `/t\xff\xfe\a` (with a backslash, which the escaping rule doubles). */
export const BAD_UTF8 = Uint8Array.from([0x2f, 0x74, 0xff, 0xfe, 0x5c, 0x61]);
export const LONG = '/very/long/' + 'x'.repeat(900) + '/end';
/** A value above 2^53 that a double cannot hold. */
export const BIG = 0x7f12_3456_789a_bcdfn;

/**
 * The edge cases every format must carry: a complete openat, a failed one with a non-UTF-8 path,
 * mmap with 64-bit values, a long string split across packets and cut, a read error, an
 * unfinished read, a no-entry write, a lost-events report, exit_group that never returns, and
 * (unless `signals` is false) three signals, one of them ignored.
 * `base` shifts every timestamp (use > 2^53 to exercise the BigInt paths).
 */
export function edgeCases(base = 1_000_000_000n, signals = true): PacketWriter {
  const w = new PacketWriter();
  const P = 100;
  w.procInfo({ pid: P, tid: P, ts: base, ppid: 1, comm: 'app', exe: '/usr/bin/app' });
  w.fork({ pid: P, tid: P, ts: base + 10n, childPid: P, childTid: 101, thread: true, comm: 'app-worker' });
  w.entry({ pid: P, tid: P, ts: base + 100n, nr: 257, args: [-100n, 0x5000n, 0x80000n, 0n], chunks: [{ arg: 1, bytes: enc('/etc/passwd') }] });
  w.exit({ pid: P, tid: P, ts: base + 300n, nr: 257, ret: 3n });
  w.entry({ pid: P, tid: P, ts: base + 400n, nr: 257, args: [-100n, 0x5008n, 0n, 0n], chunks: [{ arg: 1, bytes: BAD_UTF8 }] });
  w.exit({ pid: P, tid: P, ts: base + 450n, nr: 257, ret: -2n });
  w.entry({ pid: P, tid: P, ts: base + 500n, nr: 9, args: [0n, 4096n, 3n, 0x22n, -1n, BIG] });
  w.exit({ pid: P, tid: P, ts: base + 700n, nr: 9, ret: 0x7f12_3456_7000n });
  // a long path split over two packets, cut at the capture limit
  const long = enc(LONG);
  w.entry({ pid: P, tid: P, ts: base + 800n, nr: 21, args: [0x6000n, 4n], chunks: [{ arg: 0, bytes: long.subarray(0, 383), flags: MORE }], more: true });
  w.cont({ pid: P, tid: P, ts: base + 800n, nr: 21, chunks: [{ arg: 0, bytes: long.subarray(383), flags: CONT | TRUNCATED }] });
  w.exit({ pid: P, tid: P, ts: base + 900n, nr: 21, ret: -13n });
  // reading the path failed after 3 bytes
  w.entry({ pid: P, tid: P, ts: base + 1000n, nr: 87, args: [0x7000n], chunks: [{ arg: 0, bytes: enc('/tm'), flags: READ_ERROR }] });
  w.exit({ pid: P, tid: P, ts: base + 1100n, nr: 87, ret: -14n });
  // signals: a child's SIGCHLD delivered, a SIGSEGV (no sender), an ignored SIGUSR2 sent to the
  // worker thread while it is in its read (the reader moves it after that call)
  if (signals) {
    w.signal({ pid: P, tid: P, ts: base + 1120n, signo: 17, code: 1, fields: sigFields([0, 102], [4, 1000], [8, 3]) });
    w.signal({ pid: P, tid: P, ts: base + 1130n, signo: 11, code: 1, fields: sigFields([0, 0x10]) });
    w.signal({ pid: P, tid: 101, ts: base + 1260n, signo: 12, code: -6, ignored: true, fields: sigFields([0, P], [4, 0]) });
  }
  // the worker thread: a read that never returns, and a write whose entry came before tracing
  w.exit({ pid: P, tid: 101, ts: base + 1150n, nr: 1, ret: 5n });
  w.entry({ pid: P, tid: 101, ts: base + 1200n, nr: 0, args: [3n, 0x8000n, 1024n] });
  w.lost({ ts: base + 1300n, cpu: 1, count: 42n, firstTs: base + 1250n, lastTs: base + 1290n });
  w.entry({ pid: P, tid: P, ts: base + 1400n, nr: 231, args: [0n] });
  w.procExit({ pid: P, tid: 101, ts: base + 1500n, exitCode: 0, groupDead: false, comm: 'app-worker' });
  w.procExit({ pid: P, tid: P, ts: base + 1600n, exitCode: 0, comm: 'app' });
  w.trailer({ ts: base + 2000n, events: 21n, written: 21n, lost: 0n, lostPerCpu: [0n, 0n] });
  return w;
}

/** The 32 bytes of a siginfo union with these 32-bit values at these offsets. */
export function sigFields(...puts: [offset: number, value: number][]): Uint8Array {
  const b = new Uint8Array(32);
  for (const [o, v] of puts) new DataView(b.buffer).setInt32(o, v, true);
  return b;
}

/** A row of the schema with every value as text (null when absent): what every format must say. */
export type TextRow = Record<string, string | null>;

const str = (v: bigint | number | undefined | null) => (v === undefined || v === null ? null : String(v));

/** Bytes as lower-case hex (how the tests compare the binary `data` column). */
export const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * The rows a conversion of `file` must produce, in stream order, from the reader's own view:
 * every column (`data` in hex), or those of the text formats (`text`: csv, jsonl).
 */
export async function expectedRows(file: string, columns: 'all' | 'text' = 'all'): Promise<TextRow[]> {
  const rows = await allRows(file);
  if (columns === 'all') return rows;
  return rows.map((r) => Object.fromEntries(TEXT_COLUMN_NAMES.map((c) => [c, r[c]!])));
}

async function allRows(file: string): Promise<TextRow[]> {
  const t = await openTrace(file);
  const meta = t.header.meta;
  const rows: TextRow[] = [];
  for await (const it of t.items()) {
    if (it.type === 'lost') {
      const r: TextRow = Object.fromEntries(COLUMN_NAMES.map((c) => [c, null]));
      Object.assign(r, {
        ts_enter: str(toWallClockNs(meta, it.firstTs)), ts_exit: str(toWallClockNs(meta, it.lastTs)),
        duration_ns: str(it.lastTs - it.firstTs), str_flags: '0', status: 'lost', lost: str(it.count), cpu: str(it.cpu),
      });
      rows.push(r);
      continue;
    }
    if (it.type === 'signal') {
      const r: TextRow = Object.fromEntries(COLUMN_NAMES.map((c) => [c, null]));
      const f = new DataView(it.fields.buffer, it.fields.byteOffset);
      // the sender's pid: kill/tkill/sigqueue (si_code ≤ 0 but timers and SIGIO), and SIGCHLD from the kernel
      const fromUser = it.code <= 0 && it.code !== -2 && it.code !== -5;
      const chld = it.signo === 17 && it.code > 0;
      Object.assign(r, {
        ts_enter: str(toWallClockNs(meta, it.ts)), pid: str(it.pid), tid: str(it.tid), comm: it.comm ?? null, str_flags: '0',
        status: it.ignored ? 'ignored-signal' : 'signal', signo: str(it.signo), signal: SIGNAL_NAMES[it.signo] ?? null, si_code: str(it.code),
        si_pid: fromUser || chld ? str(f.getInt32(0, true)) : null, si_status: chld ? str(f.getInt32(8, true)) : null,
        siginfo: printSignalInfo(it.signo, it.errno, it.code, it.fields),
      });
      rows.push(r);
      continue;
    }
    if (it.type !== 'syscalls') continue;
    let i = 0;
    for (const c of batchSyscalls(it.batch, t.header)) {
      const d = it.batch.data;
      const r: TextRow = {
        ts_enter: c.tsEnter === undefined ? null : str(toWallClockNs(meta, c.tsEnter)),
        ts_exit: c.tsExit === undefined ? null : str(toWallClockNs(meta, c.tsExit)),
        duration_ns: str(c.durationNs), pid: str(c.pid), tid: str(c.tid), comm: c.comm ?? null, syscall: c.name, nr: str(c.nr),
      };
      for (let a = 0; a < 6; a++) r[`arg${a}`] = str(c.args[a]);
      let flags = 0;
      for (let a = 0; a < 6; a++) {
        const bytes = batchStringBytes(it.batch, a, i);
        if (bytes === undefined) {
          r[`str${a}`] = null;
          continue;
        }
        if (c.truncated[a]) flags |= 0x1 << (4 * a);
        if (c.readError[a]) flags |= 0x2 << (4 * a);
        if (isUtf8(bytes)) r[`str${a}`] = new TextDecoder().decode(bytes);
        else {
          r[`str${a}`] = escapeBytes(bytes, 0, bytes.length);
          flags |= 0x4 << (4 * a);
        }
      }
      Object.assign(r, {
        str_flags: String(flags), ret: str(c.ret), errno: str(c.errno), errno_name: c.errnoName ?? null, status: c.status, lost: null, cpu: null,
        signo: null, signal: null, si_code: null, si_pid: null, si_status: null, siginfo: null,
        data: d.flags[i] === 0 ? null : hexOf(d.data.subarray(d.offsets[i]!, d.offsets[i + 1]!)),
      });
      rows.push(r);
      i++;
    }
  }
  return rows;
}

/** Wall-clock ns of a monotonic value. */
export const wall = (meta: TraceMeta, ns: bigint) => toWallClockNs(meta, ns);

/** A small RFC 4180 parser: rows of fields, with whether each field was quoted. */
export function parseCsv(text: string): { value: string; quoted: boolean }[][] {
  const rows: { value: string; quoted: boolean }[][] = [];
  let row: { value: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') value += text[i++];
    }
    row.push({ value, quoted });
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

/** Parses a JSON line keeping integers exact (as their decimal text). */
export function parseJsonExact(line: string): Record<string, unknown> {
  // integers outside strings: our test strings hold no `:<digits>` sequences
  return JSON.parse(line.replace(/([:\[,])(-?\d+)(?=[,}\]])/g, '$1{"int":"$2"}'), (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.int === 'string' ? BigInt(v.int) : v);
}

/** Every value of an Arrow table as text; 64-bit columns through their BigInt64Array values (exact). */
export function arrowRows(t: Table): TextRow[] {
  assert.deepEqual(t.schema.fields.map((f) => f.name), COLUMN_NAMES);
  const rows: TextRow[] = Array.from({ length: t.numRows }, () => ({}));
  for (const name of COLUMN_NAMES) {
    const col = t.getChild(name)!;
    let r = 0;
    for (const d of col.data) {
      for (let i = 0; i < d.length; i++, r++) {
        if (!d.getValid(i)) {
          rows[r]![name] = null;
          continue;
        }
        const v: unknown = d.values instanceof BigInt64Array ? d.values[d.offset + i]! : col.get(r);
        rows[r]![name] = v instanceof Uint8Array ? hexOf(v) : String(v);
      }
    }
  }
  return rows;
}

export async function duck(sql: string): Promise<TextRow[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const res = await con.runAndReadAll(sql);
    return res.getRowObjectsJson() as TextRow[];
  } finally {
    con.closeSync();
  }
}

/** Reads Parquet back with DuckDB, every column as text (timestamps as epoch ns). */
export function parquetSql(from: string, where = ''): string {
  const cols = COLUMN_NAMES.map((c) =>
    c.startsWith('ts_') ? `epoch_ns(${c})::VARCHAR AS ${c}` : c === 'data' ? `lower(hex(${c})) AS ${c}` : `${c}::VARCHAR AS ${c}`);
  return `SELECT ${cols.join(', ')} FROM ${from} ${where}`;
}
