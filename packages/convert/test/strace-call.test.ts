// callText (@vltrace/convert/strace-call): a call printed from the values of a table row, as
// vltrace-query's reports print calls. It must say what `--to strace` says for the same call:
// every call of strace-data's cases (flags, structs, buffers, arrays from the recorded memory),
// cut, unreadable and non-UTF-8 strings, a call without entry and one that never returned are
// recorded once, converted to Parquet by convert's sink, read back by DuckDB, printed from
// each row and compared with the strace sink's line of the same call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { PacketWriter } from '@vltrace/format';
import { convert } from '../src/index.js';
import { callText } from '../src/strace/call-text.js';
import { withResult } from '../src/strace/format-line.js';
import { duck, tmpPath, writeTrace } from './helpers.js';
import { CASES, P } from './strace-data-cases.js';
import { META, record, straceOf, type Sc } from './strace-helpers.js';

const BAD_UTF8 = Uint8Array.from([0x2f, 0x74, 0xff, 0x5c, 0x61]);

/** The calls: strace-data's (those with the default options), then the other kinds of rows. */
const CALLS: readonly Sc[] = [
  { name: 'read', noEntry: true, ret: 5, mem: { out: { 1: new TextEncoder().encode('hello') } } },
  ...CASES.filter(([, , opts]) => opts === undefined).map(([sc]) => sc),
  { name: 'openat', args: [-100, P, 0o2000000, 0], strs: { 1: BAD_UTF8 }, ret: -2 },
  { name: 'openat', args: [-100, P, 0, 0], strs: { 1: { s: '/a/long/path/cut', truncated: true } }, ret: -36 },
  { name: 'access', args: [P, 4], strs: { 0: { s: '/tm', readError: true } }, ret: -14 },
  { name: 'read', args: [3, P, 1024] },
];

function build(w: PacketWriter): void {
  record(w, CALLS);
  w.procExit({ pid: 100, tid: 100, ts: 9_000_000_000n, exitCode: 0, comm: 'prog' });
}

test('a call printed from a Parquet row = the strace line of the same call', async () => {
  const lines = (await straceOf(build)).split('\n').filter((l) => l !== '' && !l.startsWith('+++'));
  const w = new PacketWriter();
  build(w);
  const file = writeTrace('calls.bin', w, META);
  const out = tmpPath('calls.parquet');
  await convert({ inputs: [file], to: 'parquet', output: out });
  const rows = await duck(`SELECT syscall, nr, pid, tid, arg0, arg1, arg2, arg3, arg4, arg5, str0, str1, str2, str3, str4, str5, str_flags,
      to_base64(data) AS data, ret, status FROM read_parquet('${out}') WHERE nr IS NOT NULL ORDER BY coalesce(ts_enter, ts_exit)`);
  assert.equal(rows.length, CALLS.length);
  assert.equal(rows.filter((r) => r['data'] !== null).length, CALLS.filter((c) => c.mem).length, 'every call with memory has data');
  const SIX = [0, 1, 2, 3, 4, 5];
  const got = rows.map((r) => {
    const text = callText({
      syscall: r['syscall']!, nr: Number(r['nr']), pid: Number(r['pid']), tid: Number(r['tid']),
      args: SIX.map((a) => r[`arg${a}`]), strs: SIX.map((a) => r[`str${a}`]), strFlags: Number(r['str_flags']),
      data: r['data'] === null ? null : Buffer.from(r['data']!, 'base64'), ret: r['ret'], status: r['status'],
    });
    // the strace sink aligns the result at column 40; the call text has one space
    const at = text.lastIndexOf(' = ');
    return withResult(text.slice(0, at), text.slice(at + 3));
  });
  assert.deepEqual(got, lines);
  // the kinds of rows, as strace prints them
  assert.equal(got[0], withResult('<... read resumed>)', '5'));
  assert.equal(got.at(-1), withResult('read(3,  <unfinished ...>)', '?'));
  assert.ok(got.includes(withResult('openat(AT_FDCWD, "/t\\377\\\\a", O_RDONLY|O_CLOEXEC)', '-1 ENOENT (No such file or directory)')), 'non-UTF-8 path');
});

test('callText: defaults and the options of the strace output', () => {
  const stat = new Uint8Array(144);
  new DataView(stat.buffer).setUint32(24, 0o100644, true);
  const data = Uint8Array.of(1, 0x10, 144, 0, ...stat); // argument 1, read at exit, 144 bytes
  // no nr (from the name), no status (complete: it has a result), no pid
  assert.equal(callText({ syscall: 'fstat', args: [3, 0x1000], data, ret: 0 }), 'fstat(3, {st_mode=S_IFREG|0644, st_size=0, ...}) = 0');
  // without its data (Parquet written before the column): the address, as strace when it cannot read
  assert.equal(callText({ syscall: 'fstat', args: [3n, 0x1000n], ret: '0' }), 'fstat(3, 0x1000) = 0');
  // no result: it never returned
  assert.equal(callText({ syscall: 'exit_group', args: [0], ret: null }), 'exit_group(0) = ?');
  assert.equal(callText({ syscall: 'openat', args: [-100, 1, 0o2000001, 0], strs: [null, '/x'], ret: 3 }, { style: 'raw' }), 'openat(-100, "/x", 0x80001) = 3');
  const buf = Uint8Array.of(1, 0, 8, 0, ...new TextEncoder().encode('abcdefgh'));
  assert.equal(callText({ syscall: 'write', args: [1, 0x1000, 8], data: buf, ret: 8 }, { stringLimit: 4 }), 'write(1, "abcd"..., 8) = 8');
  assert.throws(() => callText({ syscall: 'read', args: [], ret: null, status: 'lost' }), /status 'lost' is not a syscall/);
});
