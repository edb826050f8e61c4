/**
 * The memory behind pointer arguments (DATA packets), recorded from the real kernel: the test
 * program captures.c prints what each call read or filled, and the recording's data chunks
 * must hold exactly those bytes, cut at -s with the truncated flag, for every kind of capture
 * (structs, buffers, counted arrays, socket addresses, iovecs, dirents, fd sets, argv, the
 * signal frame's mask); -X keeps them for failed calls only; nothing is lost or orphaned.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { batchData, batchString, decodeFileRecords, fileName, openTrace, parseHeaderPrefix, PT, syscallName, type DataChunk } from '@vltrace/format';
import { buildCaptures, noEbpf, requireEbpf, runRecorder, tempDir } from './helpers.js';

/** A recorded call with its data chunks: `E1` = argument 1 at entry, `X1` at exit. */
interface Row {
  name: string;
  pid: number;
  tid: number;
  ret: bigint;
  args: bigint[];
  path?: string;
  data: Map<string, DataChunk>;
}

interface Recording {
  file: string;
  rows: Row[];
  report: Map<string, string>;
  stats: Awaited<ReturnType<typeof openTrace>>['stats'];
  trailer: { events: bigint; written: bigint; lost: bigint } | undefined;
}

async function record(prog: string, dir: string, args: string[], tag: string): Promise<Recording> {
  const work = join(dir, tag);
  mkdirSync(work);
  const out = join(dir, `${tag}.bin`);
  const r = runRecorder(['-f', ...args, '-o', out, '--', prog, work], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /syscalls recorded, 0 lost/);
  const report = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) report.set(line.slice(0, sp), line.slice(sp + 1));
  }
  const t = await openTrace(out);
  const rows: Row[] = [];
  let trailer: Recording['trailer'];
  for await (const item of t.items()) {
    if (item.type === 'trailer') trailer = item;
    if (item.type !== 'syscalls') continue;
    const b = item.batch;
    for (let i = 0; i < b.length; i++) {
      const data = new Map<string, DataChunk>();
      for (let a = 0; a < 6; a++) {
        for (const exit of [false, true]) {
          const d = batchData(b, a, i, exit);
          if (d) data.set(`${exit ? 'X' : 'E'}${a}`, { ...d, bytes: Uint8Array.from(d.bytes) });
        }
      }
      const path = [0, 1].map((a) => batchString(b, a, i)).find((s) => s !== undefined);
      rows.push({
        name: syscallName(b.nr[i]!), pid: b.pid[i]!, tid: b.tid[i]!, ret: b.ret[i]!,
        args: b.args.map((c) => c[i]!), ...(path !== undefined ? { path } : {}), data,
      });
    }
  }
  return { file: out, rows, report, stats: t.stats, trailer };
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'none');

/** The rows of the program's main thread from its getppid() marker on, read in order. */
class Calls {
  private at = 0;
  constructor(readonly rows: Row[]) {}
  next(name: string, pred: (r: Row) => boolean = () => true): Row {
    for (let i = this.at; i < this.rows.length; i++) {
      const r = this.rows[i]!;
      if (r.name === name && pred(r)) {
        this.at = i + 1;
        return r;
      }
    }
    throw new Error(`no further ${name} call after row ${this.at}`);
  }
}

function mainCalls(rec: Recording): Calls {
  const start = rec.rows.findIndex((r) => r.name === 'getppid');
  assert.ok(start >= 0, 'the getppid marker');
  const main = rec.rows[start]!.tid;
  return new Calls(rec.rows.slice(start).filter((r) => r.tid === main));
}

/** Asserts the chunk `key` of `row` holds the report's bytes `fact`, cut at `limit`. */
function assertBytes(rec: Recording, row: Row, key: string, fact: string, limit = Infinity): void {
  const full = rec.report.get(fact);
  assert.ok(full !== undefined, `report line ${fact}`);
  const d = row.data.get(key);
  const cut = full.length / 2 > limit;
  assert.equal(hex(d?.bytes), cut ? full.slice(0, 2 * limit) : full, `${row.name} ${key} = ${fact}`);
  assert.equal(d?.truncated, cut, `${row.name} ${key} truncated flag`);
  assert.equal(d?.readError, false, `${row.name} ${key} read error flag`);
}

const u32 = (b: Uint8Array, o: number) => Buffer.from(b).readUInt32LE(o);

/** Asserts the FD_PAIR chunk `key` of `row` holds a file record for each of the two ints the report's `fact` holds. */
function assertPair(rec: Recording, row: Row, key: string, fact: string, name: RegExp): void {
  const ints = Buffer.from(rec.report.get(fact)!, 'hex');
  const files = decodeFileRecords(row.data.get(key)?.bytes ?? new Uint8Array(0));
  assert.deepEqual(files.map((f) => f.fd), [ints.readInt32LE(0), ints.readInt32LE(4)], `${row.name} ${key}: the descriptors`);
  for (const f of files) assert.match(Buffer.from(fileName(f)!.name).toString(), name, `${row.name} ${key}: the file`);
}

/** ARGV payload: u32 count, then items (u16 len, u8 flags, bytes). */
function argv(d: DataChunk | undefined): { count: number; items: { s: string; flags: number }[] } {
  assert.ok(d, 'an ARGV chunk');
  const b = Buffer.from(d.bytes);
  const items: { s: string; flags: number }[] = [];
  for (let o = 4; o < b.length;) {
    const len = b.readUInt16LE(o);
    items.push({ flags: b[o + 2]!, s: b.toString('latin1', o + 3, o + 3 + len) });
    o += 3 + len;
  }
  return { count: b.readUInt32LE(0), items };
}

/** IOV payload: u32 count, then items (u64 base, u64 len, u16 bytes, u8 flags, bytes). */
function iovs(d: DataChunk | undefined): { count: number; items: { base: bigint; len: bigint; flags: number; bytes: string }[] } {
  assert.ok(d, 'an IOV chunk');
  const b = Buffer.from(d.bytes);
  const items = [];
  for (let o = 4; o < b.length;) {
    const n = b.readUInt16LE(o + 16);
    items.push({ base: b.readBigUInt64LE(o), len: b.readBigUInt64LE(o + 8), flags: b[o + 18]!, bytes: b.toString('hex', o + 19, o + 19 + n) });
    o += 19 + n;
  }
  return { count: b.readUInt32LE(0), items };
}

/** Asserts each data packet comes after an entry or exit of its thread and carries that
 * packet's ts (FORMAT.md); returns how many there are. */
function dataPacketsFollow(rec: Recording): number {
  const raw = readFileSync(rec.file);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const lastTs = new Map<number, bigint>();
  let n = 0;
  for (let o = parseHeaderPrefix(rec.file, raw).size; o + 24 <= raw.length;) {
    const size = dv.getUint32(o, true);
    const type = dv.getUint32(o + 4, true) & 0xf;
    const tid = dv.getUint32(o + 8, true);
    const ts = dv.getBigUint64(o + 16, true);
    if (type === PT.ENTRY || type === PT.EXIT) lastTs.set(tid, ts);
    if (type === PT.DATA) {
      n++;
      assert.equal(ts, lastTs.get(tid), `data packet at ${o}: the ts of its entry or exit`);
    }
    o += size;
  }
  return n;
}

describe('vltrace-record: memory behind pointer arguments', { skip: noEbpf() }, () => {
  let prog: string;
  let dir: string;
  before(() => {
    requireEbpf();
    prog = buildCaptures();
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const limit of [126, 16384]) {
    it(`-s ${limit}: every capture holds what the program knows`, async () => {
      const rec = await record(prog, dir, ['-s', String(limit)], `s${limit}`);
      const c = mainCalls(rec);
      const fd = BigInt(rec.report.get('fd')!);
      const onFd = (r: Row) => r.args[0] === fd;
      // data buffers: entry (write), exit (read: as many bytes as returned), cut at -s
      assertBytes(rec, c.next('write', onFd), 'E1', 'write', limit);
      assertBytes(rec, c.next('pwrite64'), 'E1', 'pwrite64', limit);
      const big = c.next('write', onFd);
      assertBytes(rec, big, 'E1', 'write_big', limit);
      assertBytes(rec, c.next('read', onFd), 'X1', 'read', limit);
      assertBytes(rec, c.next('pread64'), 'X1', 'pread64', limit);
      const ten = c.next('read', onFd);
      assert.equal(ten.data.get('X1')?.bytes.length, 10);
      const eof = c.next('read', onFd);
      assert.equal(eof.ret, 0n);
      // a read of 0 bytes is an empty buffer, which strace prints as ""
      assert.equal(eof.data.size, 1);
      assert.equal(eof.data.get('X1')?.bytes.length, 0);
      assert.equal(eof.data.get('X1')?.truncated, false);
      // iovecs: base and length of each, and the bytes (readv: of what it returned)
      const wv = iovs(c.next('writev').data.get('E1'));
      const wiov = rec.report.get('writev_iov')!;
      assert.equal(wv.count, 2);
      assert.deepEqual(wv.items.map((i) => [i.base, i.len, i.flags, i.bytes]), [
        [Buffer.from(wiov, 'hex').readBigUInt64LE(0), 7n, 0, Buffer.from('iov-one').toString('hex')],
        [Buffer.from(wiov, 'hex').readBigUInt64LE(16), 14n, 0, Buffer.from('iov-two-longer').toString('hex')],
      ]);
      const readv = c.next('readv');
      assert.equal(readv.ret, BigInt(rec.report.get('readv_ret')!));
      const rv = iovs(readv.data.get('X1'));
      assert.equal(rv.count, 2);
      assert.deepEqual(rv.items.map((i) => [i.len, i.flags, i.bytes]), [
        [5n, 0, rec.report.get('readv_a')], [40n, 0, rec.report.get('readv_b')],
      ]);
      // structs filled by the kernel
      assertBytes(rec, c.next('stat'), 'X1', 'stat');
      assertBytes(rec, c.next('fstat'), 'X1', 'fstat');
      assertBytes(rec, c.next('newfstatat'), 'X2', 'newfstatat');
      assertBytes(rec, c.next('statx'), 'X4', 'statx');
      const failed = c.next('stat');
      assert.equal(failed.ret, -2n);
      assert.equal(failed.data.size, 0, 'a failed stat filled nothing');
      const badWrite = c.next('write');
      assert.equal(badWrite.ret, -9n);
      assert.equal(Buffer.from(badWrite.data.get('E1')!.bytes).toString(), 'bad-fd');
      assertBytes(rec, c.next('readlink'), 'X1', 'readlink', limit);
      assertBytes(rec, c.next('getcwd'), 'X0', 'getcwd', limit);
      assertBytes(rec, c.next('getrandom'), 'X0', 'getrandom', limit);
      const dents = c.next('getdents64');
      assert.equal(dents.ret, BigInt(rec.report.get('getdents64_ret')!));
      assert.equal(u32(dents.data.get('X1')!.bytes, 0), Number(rec.report.get('getdents64_count')), 'dirent count');
      // descriptors returned through memory; poll's revents; select's sets and timeout
      assertPair(rec, c.next('pipe2'), 'X0', 'pipe2', /^pipe:\[\d+\]$/);
      assertPair(rec, c.next('socketpair'), 'X3', 'socketpair', /^socket:\[\d+\]$/);
      const poll = c.next('poll');
      assertBytes(rec, poll, 'E0', 'poll_in');
      assertBytes(rec, poll, 'X0', 'poll_out');
      const select = c.next('select');
      assert.equal(select.args[0], BigInt(rec.report.get('select_nfds')!));
      assertBytes(rec, select, 'E1', 'select_in');
      assertBytes(rec, select, 'X1', 'select_out');
      assertBytes(rec, select, 'E4', 'select_tv_in');
      assertBytes(rec, select, 'X4', 'select_tv_out');
      // socket addresses: in (bind, connect, sendto), out (getsockname, accept4, recvfrom)
      assertBytes(rec, c.next('bind'), 'E1', 'bind_un');
      assertBytes(rec, c.next('connect'), 'E1', 'connect_un');
      const missing = c.next('connect');
      assert.equal(missing.ret, -2n);
      assertBytes(rec, missing, 'E1', 'connect_missing');
      assertBytes(rec, c.next('bind'), 'E1', 'bind_in');
      const gsn = c.next('getsockname');
      assertBytes(rec, gsn, 'X1', 'getsockname');
      assertBytes(rec, gsn, 'E2', 'getsockname_len_in');
      assertBytes(rec, gsn, 'X2', 'getsockname_len');
      assertBytes(rec, c.next('connect'), 'E1', 'connect_in');
      assertBytes(rec, c.next('accept4'), 'X1', 'accept4');
      const sendto = c.next('sendto');
      assert.equal(Buffer.from(sendto.data.get('E1')!.bytes).toString(), 'hello, udp');
      assertBytes(rec, sendto, 'E4', 'sendto_addr');
      const recvfrom = c.next('recvfrom');
      assert.equal(Buffer.from(recvfrom.data.get('X1')!.bytes).toString(), 'hello, udp');
      assertBytes(rec, recvfrom, 'X4', 'recvfrom_addr');
      // processes
      const wait4 = c.next('wait4');
      assertBytes(rec, wait4, 'X1', 'wait4_status');
      assertBytes(rec, wait4, 'X3', 'wait4_rusage');
      assertBytes(rec, c.next('getrlimit'), 'X1', 'getrlimit');
      assertBytes(rec, c.next('prlimit64'), 'X3', 'prlimit64_old');
      assertBytes(rec, c.next('prlimit64'), 'E2', 'prlimit64_new');
      // signals and time
      const sa = c.next('rt_sigaction');
      assertBytes(rec, sa, 'E1', 'rt_sigaction_act');
      assertBytes(rec, sa, 'X2', 'rt_sigaction_old');
      const mask = c.next('rt_sigprocmask');
      assertBytes(rec, mask, 'E1', 'rt_sigprocmask_set');
      assertBytes(rec, mask, 'X2', 'rt_sigprocmask_old');
      assert.equal(rec.report.get('got_signal'), '10', 'the handler ran');
      assertBytes(rec, c.next('rt_sigreturn'), 'E0', 'rt_sigreturn_mask');
      const nano = c.next('nanosleep');
      assertBytes(rec, nano, 'E0', 'nanosleep_req');
      assertBytes(rec, nano, 'X1', 'nanosleep_rem');
      assertBytes(rec, c.next('clock_gettime'), 'X1', 'clock_gettime');

      // execve: argv and the environment's count, in a fresh fork (its literals not faulted
      // in: read again from the new image at exit) and from the heap
      const execs = rec.rows.filter((r) => r.name === 'execve' && r.path === '/bin/true');
      assert.equal(execs.length, 2);
      const long = '0123456789'.repeat(18);
      const a0 = argv(execs[0]!.data.get('E1'));
      assert.equal(a0.count, 3);
      assert.deepEqual(a0.items, [
        { s: 'true', flags: 0 }, { s: 'first-arg', flags: 0 },
        { s: long.slice(0, Math.min(limit, 180)), flags: limit < 180 ? 2 : 0 },
      ]);
      assert.equal(u32(execs[0]!.data.get('E2')!.bytes, 0), 3, 'envp: 3 variables');
      assert.equal(execs[0]!.data.get('E2')!.bytes.length, 4);
      const a1 = argv(execs[1]!.data.get('E1'));
      assert.deepEqual(a1, { count: 2, items: [{ s: 'true', flags: 0 }, { s: 'heap-arg', flags: 0 }] });
      assert.equal(u32(execs[1]!.data.get('E2')!.bytes, 0), 1);
      // the program's own execve: its argv as given
      const first = rec.rows.find((r) => r.name === 'execve' && r.path === prog);
      assert.deepEqual(argv(first?.data.get('E1')).items.map((i) => i.s), [prog, join(dir, `s${limit}`)]);

      // a buffer larger than a packet: continued chunks, joined by the reader
      if (limit > 8192) assert.ok(big.data.get('E1')!.bytes.length === limit, 'split over packets');
      assert.ok(dataPacketsFollow(rec) > 50, 'data packets');
      // accounting: every data packet belongs to its call, nothing lost
      assert.equal(rec.stats.orphanData, 0);
      assert.equal(rec.trailer?.lost, 0n);
      assert.equal(rec.trailer?.events, rec.trailer!.written + rec.trailer!.lost);
    });
  }

  it('-X: data of the failed calls only, entry captures included', async () => {
    const rec = await record(prog, dir, ['-X'], 'failed');
    assert.ok(rec.rows.length > 0);
    for (const r of rec.rows) assert.ok(r.ret < 0n && r.ret >= -4095n, `${r.name} failed`);
    const bad = rec.rows.find((r) => r.name === 'write' && r.ret === -9n);
    assert.equal(Buffer.from(bad!.data.get('E1')!.bytes).toString(), 'bad-fd');
    const missing = rec.rows.find((r) => r.name === 'connect' && r.ret === -2n);
    assertBytes(rec, missing!, 'E1', 'connect_missing');
    const stat = rec.rows.find((r) => r.name === 'stat' && r.ret === -2n);
    assert.equal(stat?.data.size, 0, 'exit captures only on success');
    assert.ok(dataPacketsFollow(rec) >= 2, 'entries written at exit: their data with the entry ts');
    assert.equal(rec.stats.orphanData, 0);
    assert.equal(rec.trailer?.events, rec.trailer!.written + rec.trailer!.lost);
  });
});
