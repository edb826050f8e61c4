import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { convert, TEXT_COLUMN_NAMES, unescapeBytes } from '../src/index.js';
import { BAD_UTF8, edgeCases, expectedRows, parseCsv, parseJsonExact, tmpPath, writeTrace, type TextRow } from './helpers.js';
import { synthesizeTrace } from '@vltrace/testkit';
import { PacketWriter } from '@vltrace/format';

const TEXT_COLUMNS = new Set(['comm', 'syscall', 'str0', 'str1', 'str2', 'str3', 'str4', 'str5', 'errno_name', 'status', 'signal', 'siginfo']);

async function csvRows(file: string, out: string): Promise<TextRow[]> {
  await convert({ inputs: [file], to: 'csv', output: out });
  const [head, ...rows] = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(head!.map((f) => f.value), TEXT_COLUMN_NAMES);
  return rows.map((r) => {
    assert.equal(r.length, TEXT_COLUMN_NAMES.length);
    return Object.fromEntries(r.map((f, k) => {
      const col = TEXT_COLUMN_NAMES[k]!;
      // text values are always quoted, numbers never; an empty unquoted field is null
      if (f.quoted) assert.ok(TEXT_COLUMNS.has(col), `${col} quoted`);
      else if (f.value !== '') assert.ok(!TEXT_COLUMNS.has(col), `${col} not quoted`);
      return [col, f.quoted || f.value !== '' ? f.value : null];
    }));
  });
}

async function jsonlRows(file: string, out: string): Promise<TextRow[]> {
  await convert({ inputs: [file], to: 'jsonl', output: out });
  const lines = readFileSync(out, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  return lines.map((l) => {
    const o = parseJsonExact(l);
    assert.deepEqual(Object.keys(o), TEXT_COLUMN_NAMES);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => {
      if (v !== null) assert.equal(typeof v, TEXT_COLUMNS.has(k) ? 'string' : 'bigint', k);
      return [k, v === null ? null : String(v)];
    }));
  });
}

for (const [label, base] of [['small timestamps', 1_000_000_000n], ['timestamps above 2^53', 2n ** 60n + 12345n]] as const) {
  test(`csv and jsonl carry every edge case exactly (${label})`, async () => {
    const file = writeTrace(`edge-${base}.bin`, edgeCases(base));
    const want = await expectedRows(file, 'text');
    assert.equal(want.length, 12);
    assert.equal(want.filter((r) => r['signo'] !== null).length, 3);
    assert.deepEqual(await csvRows(file, tmpPath(`edge-${base}.csv`)), want);
    assert.deepEqual(await jsonlRows(file, tmpPath(`edge-${base}.jsonl`)), want);
  });
}

test('the escaping rule round-trips non-UTF-8 bytes', async () => {
  const file = writeTrace('edge-esc.bin', edgeCases());
  const rows = await csvRows(file, tmpPath('edge-esc.csv'));
  const bad = rows.find((r) => r['str1']?.startsWith('/t\\x'))!;
  assert.equal(bad['str1'], '/t\\xff\\xfe\\\\a');
  assert.equal(Number(bad['str_flags']) & 0x40, 0x40);
  assert.deepEqual(unescapeBytes(bad['str1']!), BAD_UTF8);
});

test('csv and jsonl of a synthetic recording match the reader row for row', async () => {
  const file = tmpPath('synth-20k.bin');
  await synthesizeTrace(file, { syscalls: 20_000, seed: 7 });
  const want = await expectedRows(file, 'text');
  assert.equal(want.length, 20_000);
  assert.deepEqual(await csvRows(file, tmpPath('synth.csv')), want);
  assert.deepEqual(await jsonlRows(file, tmpPath('synth.jsonl')), want);
});

test('csv and jsonl: thread fields right when tids share a cache slot, a pid is reused and exec renames', async () => {
  const w = new PacketWriter();
  const t = (n: number) => 1_000_000_000n + BigInt(n);
  let at = 0;
  const call = (pid: number, tid: number) => {
    w.entry({ pid, tid, ts: t(at += 10), nr: 39, args: [] });
    w.exit({ pid, tid, ts: t(at += 5), nr: 39, ret: BigInt(pid) });
  };
  w.procInfo({ pid: 100, tid: 100, ts: t(0), ppid: 1, comm: 'first', exe: '/bin/first' });
  call(100, 100);
  // tid 356 = 100 + 256: the same slot of the per-thread cache
  w.fork({ pid: 100, tid: 100, ts: t(at += 1), childPid: 100, childTid: 356, thread: true, comm: 'first' });
  call(100, 356);
  call(100, 100);
  w.exec({ pid: 100, tid: 100, ts: t(at += 1), comm: 'second', filename: '/bin/second' });
  call(100, 100);
  w.procExit({ pid: 100, tid: 100, ts: t(at += 1), exitCode: 0, groupDead: true, comm: 'second' });
  // the pid comes back as another process (tid 100 again)
  w.procInfo({ pid: 612, tid: 612, ts: t(at += 1), ppid: 1, comm: 'third', exe: '/bin/third' });
  w.fork({ pid: 612, tid: 612, ts: t(at += 1), childPid: 100, childTid: 100, comm: 'fourth' });
  call(100, 100);
  call(612, 612);
  const file = writeTrace('thread-keys.bin', w);
  const want = await expectedRows(file, 'text');
  assert.deepEqual(want.map((r) => `${r['pid']}/${r['tid']}/${r['comm']}`), ['100/100/first', '100/356/first', '100/100/first', '100/100/second', '100/100/fourth', '612/612/third']);
  assert.deepEqual(await csvRows(file, tmpPath('thread-keys.csv')), want);
  assert.deepEqual(await jsonlRows(file, tmpPath('thread-keys.jsonl')), want);
});
