import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { synthesizeTrace } from '@vltrace/format';
import { convert, COLUMN_NAMES, type ConvertOptions } from '../src/index.js';
import { arrowRows, duck, edgeCases, expectedRows, parquetSql, tmpPath, writeTrace, type TextRow } from './helpers.js';

const cases: [string, () => Promise<string>][] = [
  ['edge cases', async () => writeTrace('ap-edge.bin', edgeCases())],
  ['edge cases, timestamps above 2^53', async () => writeTrace('ap-edge-big.bin', edgeCases(2n ** 60n + 99n))],
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
