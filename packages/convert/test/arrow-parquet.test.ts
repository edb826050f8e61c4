import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { CHUNK_FLAGS, PacketWriter } from '@vltrace/format';
import { convert, type ConvertOptions } from '../src/index.js';
import { arrowRows, CONT, duck, edgeCases, expectedRows, META, MORE, parquetSql, READ_ERROR, tmpPath, TRUNCATED, writeTrace } from './helpers.js';
import { synthesizeTrace } from '@vltrace/testkit';

/**
 * Calls with memory behind their arguments (DATA packets, format 1.1), for the `data` column:
 * read at entry and at exit, several arguments, a buffer split over two packets, cut and
 * unreadable reads, and calls without any between them.
 */
function withMemory(): PacketWriter {
  const w = new PacketWriter();
  const EXIT = CHUNK_FLAGS.EXIT.bit;
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
  let ts = 1_000_000_000n;
  for (let k = 0; k < 50; k++) {
    const pid = 200 + (k % 3);
    ts += 1000n;
    w.entry({ pid, tid: pid, ts, nr: 0, args: [3n, 0x1000n, 4096n] }); // read: buffer at exit
    w.exit({ pid, tid: pid, ts: ts + 100n, nr: 0, ret: BigInt(k * 10) });
    if (k % 5 !== 4) w.data({ pid, tid: pid, ts: ts + 100n, nr: 0, chunks: [{ arg: 1, bytes: bytes(k * 10, k), flags: EXIT }] });
    ts += 1000n;
    w.entry({ pid, tid: pid, ts, nr: 1, args: [1n, 0x2000n, 600n] }); // write: a buffer at entry, over two packets
    w.data({ pid, tid: pid, ts, nr: 1, chunks: [{ arg: 1, bytes: bytes(383, k), flags: MORE }] });
    w.data({ pid, tid: pid, ts, nr: 1, chunks: [{ arg: 1, bytes: bytes(217, k + 1), flags: CONT | (k % 2 ? TRUNCATED : 0) }] });
    w.exit({ pid, tid: pid, ts: ts + 100n, nr: 1, ret: 600n });
    ts += 1000n;
    w.entry({ pid, tid: pid, ts, nr: 39, args: [] }); // getpid: nothing
    w.exit({ pid, tid: pid, ts: ts + 10n, nr: 39, ret: BigInt(pid) });
    ts += 1000n;
    w.entry({ pid, tid: pid, ts, nr: 7, args: [0x3000n, 2n, 0n] }); // poll: at entry and at exit, one unreadable
    w.data({ pid, tid: pid, ts, nr: 7, chunks: [{ arg: 0, bytes: bytes(16, k), flags: k % 7 === 0 ? READ_ERROR : 0 }] });
    w.exit({ pid, tid: pid, ts: ts + 50n, nr: 7, ret: 1n });
    w.data({ pid, tid: pid, ts: ts + 50n, nr: 7, chunks: [{ arg: 0, bytes: bytes(16, k + 2), flags: EXIT }] });
  }
  return w;
}

const cases: [string, () => Promise<string>][] = [
  ['edge cases', async () => writeTrace('ap-edge.bin', edgeCases())],
  ['edge cases, timestamps above 2^53', async () => writeTrace('ap-edge-big.bin', edgeCases(2n ** 60n + 99n))],
  ['memory behind arguments', async () => writeTrace('ap-mem.bin', withMemory())],
  ['synthetic 30k', async () => {
    const f = tmpPath('ap-synth.bin');
    await synthesizeTrace(f, { syscalls: 30_000, seed: 3 });
    return f;
  }],
];

for (const [label, make] of cases) {
  test(`arrow and arrows read back exactly (${label})`, async () => {
    const file = await make();
    const want = await expectedRows(file);
    for (const to of ['arrow', 'arrows'] as const) {
      const out = tmpPath(`${label}.${to}`);
      await convert({ inputs: [file], to, output: out });
      assert.deepEqual(arrowRows(tableFromIPC(readFileSync(out))), want, to);
    }
  });

  test(`parquet read back by DuckDB exactly (${label})`, async () => {
    const file = await make();
    const want = await expectedRows(file);
    for (const compression of ['zstd', 'snappy', 'none'] as const) {
      const out = tmpPath(`${label}-${compression}.parquet`);
      await convert({ inputs: [file], to: 'parquet', output: out, compression, rowGroupSize: 10_000 });
      const got = await duck(parquetSql(`read_parquet('${out}')`));
      assert.deepEqual(got, want, compression);
    }
  });
}

test('parquet column types as DuckDB sees them', async () => {
  const out = tmpPath('types.parquet');
  await convert({ inputs: [writeTrace('types.bin', edgeCases())], to: 'parquet', output: out });
  const types = Object.fromEntries((await duck(`DESCRIBE SELECT * FROM read_parquet('${out}')`)).map((r) => [r['column_name'], r['column_type']]));
  assert.equal(types['ts_enter'], 'TIMESTAMP_NS');
  assert.equal(types['ts_exit'], 'TIMESTAMP_NS');
  for (const c of ['duration_ns', 'arg0', 'arg5', 'ret', 'lost']) assert.equal(types[c], 'BIGINT', c);
  for (const c of ['pid', 'tid', 'nr', 'errno', 'str_flags', 'cpu', 'signo', 'si_code', 'si_pid', 'si_status']) assert.equal(types[c], 'INTEGER', c);
  for (const c of ['comm', 'syscall', 'str1', 'errno_name', 'status', 'signal', 'siginfo']) assert.equal(types[c], 'VARCHAR', c);
  assert.equal(types['data'], 'BLOB');
  const meta = await duck(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${out}')`);
  assert.ok(meta.some((m) => m['k'] === 'ARROW:schema'));
  // the signal rows as SQL sees them: no syscall, the signal's columns
  const sigs = await duck(`SELECT status, signal, signo::VARCHAR AS signo, si_code::VARCHAR AS code, si_pid::VARCHAR AS si_pid, si_status::VARCHAR AS st,
    syscall, nr, ts_exit, comm FROM read_parquet('${out}') WHERE signo IS NOT NULL ORDER BY ts_enter`);
  assert.deepEqual(sigs, [
    { status: 'signal', signal: 'SIGCHLD', signo: '17', code: '1', si_pid: '102', st: '3', syscall: null, nr: null, ts_exit: null, comm: 'app' },
    { status: 'signal', signal: 'SIGSEGV', signo: '11', code: '1', si_pid: null, st: null, syscall: null, nr: null, ts_exit: null, comm: 'app' },
    { status: 'ignored-signal', signal: 'SIGUSR2', signo: '12', code: '-6', si_pid: '100', st: null, syscall: null, nr: null, ts_exit: null, comm: 'app-worker' },
  ]);
  const calls = await duck(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${out}') WHERE nr IS NOT NULL`);
  assert.equal(calls[0]!['n'], '8');
});

test('the start directory (vltrace.cwd) is in the Arrow and Parquet metadata when the recording ran a command, not otherwise', async () => {
  const cases = [
    { name: 'command', meta: { ...META, command: ['app'], cwd: '/srv/ünï' }, want: '/srv/ünï' },
    { name: 'attached', meta: { ...META, command: null, cwd: '/srv' }, want: undefined },
  ];
  for (const c of cases) {
    const bin = writeTrace(`cwd-${c.name}.bin`, edgeCases(), c.meta);
    const pq = tmpPath(`cwd-${c.name}.parquet`);
    const arrow = tmpPath(`cwd-${c.name}.arrow`);
    await convert({ inputs: [bin], to: 'parquet', output: pq });
    await convert({ inputs: [bin], to: 'arrow', output: arrow });
    assert.equal(tableFromIPC(readFileSync(arrow)).schema.metadata.get('vltrace.cwd'), c.want, `${c.name}: arrow`);
    // Parquet: as the file's own key-value metadata (what DuckDB and vltrace-query read), beside the clock
    const kv = new Map((await duck(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${pq}')`)).map((r) => [r['k'], r['v']]));
    assert.equal(kv.get('vltrace.cwd'), c.want, `${c.name}: parquet`);
    assert.equal(kv.get('vltrace.hostname'), META.hostname);
    assert.equal(kv.get('vltrace.schema'), '2');
  }
});

test('an empty selection still writes valid, empty outputs', async () => {
  const file = writeTrace('empty-sel.bin', edgeCases());
  const opts: Partial<ConvertOptions> = { pids: [4242] };
  const pq = tmpPath('empty.parquet');
  await convert({ inputs: [file], to: 'parquet', output: pq, ...opts });
  // the lost-events row stays: a gap is visible whatever the filters
  assert.deepEqual((await duck(`SELECT status FROM read_parquet('${pq}')`)).map((r) => r['status']), ['lost']);
  // and the signals of the selected process (its only rows here)
  await convert({ inputs: [file], to: 'parquet', output: pq, trace: 'getpid' });
  assert.deepEqual((await duck(`SELECT status FROM read_parquet('${pq}')`)).map((r) => r['status']), ['signal', 'signal', 'ignored-signal', 'lost']);
  await convert({ inputs: [file], to: 'parquet', output: pq, ...opts, since: '+1h' });
  assert.equal((await duck(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${pq}')`))[0]!['n'], '0');
  const ar = tmpPath('empty.arrow');
  await convert({ inputs: [file], to: 'arrow', output: ar, ...opts, since: '+1h' });
  assert.equal(tableFromIPC(readFileSync(ar)).numRows, 0);
});

test('the data column through a filter and a partitioned dataset: the selected rows\' bytes, exactly', async () => {
  const file = writeTrace('ap-mem-filter.bin', withMemory());
  const want = (await expectedRows(file)).filter((r) => r['syscall'] === 'write' || r['syscall'] === 'poll');
  assert.ok(want.every((r) => r['data'] !== null));
  const dir = tmpPath('mem-ds');
  await convert({ inputs: [file], to: 'parquet', output: dir, partitionBy: ['pid'], trace: 'write,poll' });
  const got = await duck(parquetSql(`read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`, 'ORDER BY ts_enter'));
  assert.deepEqual(got, want);
});

test('--partition-by writes a hive dataset DuckDB reads back', async () => {
  const file = tmpPath('part.bin');
  await synthesizeTrace(file, { syscalls: 20_000, seed: 5 });
  const want = await expectedRows(file);
  const dir = tmpPath('part-ds');
  await convert({ inputs: [file], to: 'parquet', output: dir, partitionBy: ['pid', 'date'] });
  assert.deepEqual(readdirSync(dir).sort(), ['pid=1000', 'pid=1001', 'pid=1002', 'pid=1003']);
  assert.deepEqual(readdirSync(join(dir, 'pid=1000')), ['date=2025-11-26']);
  const got = await duck(parquetSql(`read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`, 'ORDER BY ts_enter, tid'));
  const sorted = [...want].sort((a, b) => (BigInt(a['ts_enter']!) < BigInt(b['ts_enter']!) ? -1 : 1));
  assert.equal(got.length, want.length);
  assert.deepEqual(got, sorted);
  const perPid = await duck(`SELECT pid::VARCHAR AS pid, count(*)::VARCHAR AS n FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true) GROUP BY pid ORDER BY pid`);
  assert.deepEqual(perPid.map((r) => r['n']), ['5000', '5000', '5000', '5000']);
  const bySyscall = tmpPath('part-sc');
  await convert({ inputs: [file], to: 'parquet', output: bySyscall, partitionBy: ['syscall'] });
  assert.ok(readdirSync(bySyscall).includes('syscall=openat'));
  const n = await duck(`SELECT count(*)::VARCHAR AS n FROM read_parquet('${bySyscall}/**/*.parquet', hive_partitioning = true) WHERE syscall = 'openat'`);
  assert.equal(n[0]!['n'], String(want.filter((r) => r['syscall'] === 'openat').length));
});

test('row groups encoded by parallel threads splice into one file that DuckDB and arrow-rs both read', async () => {
  const file = tmpPath('splice.bin');
  await synthesizeTrace(file, { syscalls: 30_000, seed: 9 });
  const out = tmpPath('splice.parquet');
  await convert({ inputs: [file], to: 'parquet', output: out, rowGroupSize: 7000, workers: 3 });
  const groups = await duck(`SELECT DISTINCT row_group_id::VARCHAR AS g, row_group_num_rows::VARCHAR AS n FROM parquet_metadata('${out}') ORDER BY row_group_id`);
  assert.deepEqual(groups.map((g) => g['n']), ['7000', '7000', '7000', '7000', '2000']);
  const pq = await import('parquet-wasm/node');
  const t = pq.readParquet(readFileSync(out));
  const back = tableFromIPC(t.intoIPCStream());
  assert.equal(back.numRows, 30_000);
  assert.deepEqual(arrowRows(back), await expectedRows(file));
});

test('real recordings (samples/*.bin): parquet and arrow equal the reader, row for row', async () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../../samples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
  for (const f of files) {
    const file = join(dir, f);
    const want = await expectedRows(file);
    const pqOut = tmpPath(`sample-${f}.parquet`);
    await convert({ inputs: [file], to: 'parquet', output: pqOut });
    assert.deepEqual(await duck(parquetSql(`read_parquet('${pqOut}')`)), want, f);
    const arOut = tmpPath(`sample-${f}.arrow`);
    await convert({ inputs: [file], to: 'arrow', output: arOut });
    assert.deepEqual(arrowRows(tableFromIPC(readFileSync(arOut))), want, f);
  }
});

test('parquet of many small record batches (their arrays reused from batch to batch) holds what arrow holds, row for row', async () => {
  // truncated strings, read errors, failed calls, signals and lost events in batches of 3 rows:
  // each record batch's arrays are the previous one's, which must keep nothing of it. (Batches
  // this small flush before the reorder window passes: the rows come in another order than
  // with the default, so the reference is the arrow output of the same batches, whose arrays
  // are never reused.)
  const file = writeTrace('reuse-small-batches.bin', edgeCases());
  const out = tmpPath('reuse-small-batches.parquet');
  await convert({ inputs: [file], to: 'parquet', output: out, reader: { batchRows: 3 } });
  const pq = await import('parquet-wasm/node');
  const back = arrowRows(tableFromIPC(pq.readParquet(readFileSync(out)).intoIPCStream()));
  const arOut = tmpPath('reuse-small-batches.arrow');
  await convert({ inputs: [file], to: 'arrow', output: arOut, reader: { batchRows: 3 } });
  const want = arrowRows(tableFromIPC(readFileSync(arOut)));
  assert.ok(want.some((r) => r['str_flags'] !== '0'), 'rows with string flags');
  assert.deepEqual(back, want);
});
