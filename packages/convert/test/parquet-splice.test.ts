// Splicing Parquet parts into one file (src/parquet-splice.ts): the parts' row groups are copied
// as they are under one footer whose offsets point to where they now sit. DuckDB reads the
// spliced file back: every row, in order, in as many row groups as the parts held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { ParquetSplicer } from '../src/parquet-splice.js';
import { duck, tmpPath } from './helpers.js';

/** One Parquet file of rows [from, to): id, a string and a float per row. */
function part(from: number, to: number, rowGroupSize: number): Uint8Array {
  const id = BigInt64Array.from({ length: to - from }, (_, k) => BigInt(from + k) * 1_000_003n);
  const name = Array.from({ length: to - from }, (_, k) => `row-${from + k}-${'x'.repeat((from + k) % 17)}`);
  const ratio = Float64Array.from({ length: to - from }, (_, k) => (from + k) / 7);
  const ipc = tableToIPC(tableFromArrays({ id, name, ratio }), 'stream');
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).setMaxRowGroupSize(rowGroupSize).build();
  return pq.writeParquet(pq.Table.fromIPCStream(ipc), props);
}

function splice(out: string, parts: readonly Uint8Array[]): void {
  const fd = openSync(out, 'w');
  try {
    const s = new ParquetSplicer(fd);
    for (const p of parts) s.add(p);
    s.close();
  } finally {
    closeSync(fd);
  }
}

test('parts spliced in order read back as one table: every row, every row group, offsets right', async () => {
  const out = tmpPath('spliced.parquet');
  // parts of 1, 2 and 3 row groups, the last one short
  splice(out, [part(0, 500, 500), part(500, 1500, 500), part(1500, 2700, 500)]);
  const rows = await duck(`SELECT id::VARCHAR AS id, name, ratio::VARCHAR AS ratio FROM '${out}'`);
  assert.equal(rows.length, 2700);
  rows.forEach((r, k) => {
    assert.equal(r['id'], String(BigInt(k) * 1_000_003n));
    assert.equal(r['name'], `row-${k}-${'x'.repeat(k % 17)}`);
  });
  const groups = await duck(`SELECT row_group_id::VARCHAR AS g, row_group_num_rows::VARCHAR AS n, min(data_page_offset)::VARCHAR AS page
    FROM parquet_metadata('${out}') GROUP BY row_group_id, row_group_num_rows ORDER BY row_group_id`);
  assert.deepEqual(groups.map((g) => [g['g'], g['n']]), [['0', '500'], ['1', '500'], ['2', '500'], ['3', '500'], ['4', '500'], ['5', '200']]);
  const pages = groups.map((g) => Number(g['page']));
  assert.ok(pages.every((p, k) => k === 0 || p > pages[k - 1]!), `row groups in file order: ${pages}`);
  const meta = await duck(`SELECT num_rows::VARCHAR AS n FROM parquet_file_metadata('${out}')`);
  assert.equal(meta[0]!['n'], '2700');
});

test('a single part comes out as the same data; the spliced file starts and ends with PAR1', async () => {
  const out = tmpPath('spliced-one.parquet');
  const one = part(0, 100, 1000);
  splice(out, [one]);
  const file = readFileSync(out);
  assert.equal(file.subarray(0, 4).toString(), 'PAR1');
  assert.equal(file.subarray(-4).toString(), 'PAR1');
  // the row-group bytes are copied unchanged
  const len = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(b.length - 8, true);
  assert.deepEqual(file.subarray(4, file.length - 8 - len(file)), Buffer.from(one.subarray(4, one.length - 8 - len(one))));
  const rows = await duck(`SELECT count(*)::VARCHAR AS n FROM '${out}'`);
  assert.equal(rows[0]!['n'], '100');
});

test('what is not a Parquet file, and a splice with no part, are errors', () => {
  const out = tmpPath('spliced-bad.parquet');
  const fd = openSync(out, 'w');
  try {
    const s = new ParquetSplicer(fd);
    assert.throws(() => s.add(new TextEncoder().encode('PAR1 not a parquet file')), /not a Parquet file/);
    assert.throws(() => s.close(), /no part was added/);
  } finally {
    closeSync(fd);
  }
});
