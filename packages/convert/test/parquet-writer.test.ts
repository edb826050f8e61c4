// The Parquet writer settings of src/parquet-worker.ts (chosen by bench/parquet-encoder.bench.ts):
// dictionary pages only on the dictionary-typed string columns, DELTA_BINARY_PACKED integers,
// column-chunk statistics on the columns queries filter on — in the spliced single file and in
// a partitioned dataset, and DuckDB prunes row groups with those statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { convert } from '../src/index.js';
import { DELTA_COLUMNS, DICTIONARY_COLUMNS, STATS_COLUMNS } from '../src/parquet-worker.js';
import { tmpPath } from './helpers.js';
import { synthesizeTrace } from '@vltrace/testkit';

type Row = Record<string, string | null>;

async function duck(sql: string): Promise<Row[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  } finally {
    con.closeSync();
  }
}

async function layout(glob: string): Promise<Map<string, { encodings: Set<string>; stats: boolean }>> {
  const rows = await duck(`SELECT path_in_schema AS col, encodings, (stats_min_value IS NOT NULL OR stats_min IS NOT NULL)::VARCHAR AS stats
    FROM parquet_metadata('${glob}')`);
  const out = new Map<string, { encodings: Set<string>; stats: boolean }>();
  for (const r of rows) {
    const c = out.get(r['col']!) ?? { encodings: new Set<string>(), stats: false };
    for (const e of r['encodings']!.split(',')) c.encodings.add(e.trim());
    c.stats ||= r['stats'] === 'true';
    out.set(r['col']!, c);
  }
  return out;
}

test('parquet layout: dictionary on names, DELTA integers, statistics on filter columns (file and dataset)', async () => {
  const file = tmpPath('pw-synth.bin');
  await synthesizeTrace(file, { syscalls: 20_000, seed: 5 });
  const out = tmpPath('pw.parquet');
  const ds = tmpPath('pw-ds');
  await convert({ inputs: [file], to: 'parquet', output: out, rowGroupSize: 5000, workers: 2 });
  await convert({ inputs: [file], to: 'parquet', output: ds, partitionBy: ['pid'] });
  for (const where of [out, `${ds}/**/*.parquet`]) {
    const l = await layout(where);
    for (const c of DICTIONARY_COLUMNS) assert.ok(l.get(c)!.encodings.has('RLE_DICTIONARY'), `${where}: ${c} dictionary`);
    for (const c of DELTA_COLUMNS) assert.ok(l.get(c)!.encodings.has('DELTA_BINARY_PACKED'), `${where}: ${c} delta`);
    for (const c of ['str0', 'arg0', 'ts_enter']) assert.ok(!l.get(c)!.encodings.has('RLE_DICTIONARY'), `${where}: ${c} no dictionary`);
    for (const c of STATS_COLUMNS) assert.ok(l.get(c)!.stats, `${where}: ${c} statistics`);
  }
  // row-group pruning on ts_enter: a range inside one row group reads that group only
  const [g] = await duck(`SELECT stats_min AS lo, stats_max AS hi FROM parquet_metadata('${out}') WHERE path_in_schema = 'ts_enter' AND row_group_id = 2`);
  assert.ok(g?.['lo'] && g['hi']);
  const n = await duck(`SELECT count(*)::VARCHAR AS n FROM '${out}' WHERE ts_enter BETWEEN '${g['lo']}'::TIMESTAMP_NS AND '${g['hi']}'::TIMESTAMP_NS`);
  assert.equal(n[0]!['n'], '5000');
});
