// The Parquet encoder alone: row groups of the synthetic 1M-syscall recording, turned into Arrow
// IPC once (as the parquet sink does), then encoded by parquet-wasm under several writer
// settings, side by side: an untimed warm-up pass of every variant, then every round runs every
// variant (in a rotated order), so load on a shared machine hits them alike. Reports medians
// per variant, CPU ratios to the first (parquet-wasm's defaults), and the output size. One
// thread (process.cpuUsage ≈ this thread), except the last table, which pushes the same groups
// through 1 and 2 src/parquet-worker.ts threads as the sink does. BENCHMARKS.md has the figures.
//
//   node packages/convert/dist/bench/parquet-encoder.bench.js
//   env: VLT_PQ_GROUPS (row groups, default 4), VLT_PQ_ROWS (rows per group, default 65536),
//        VLT_PQ_REPS (default 5), VLT_PQ_INPUT (a recording; default the synthetic 1M one),
//        VLT_PQ_ONLY (comma list of substrings of variant names), VLT_PQ_WORKERS=0 (no thread
//        rows), VLT_PQ_DUMP=dir (each variant's first group as dir/<n>.parquet, to inspect).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Data, Dictionary, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, Field, type Vector } from '../src/arrow-lib.js';
import * as pq from 'parquet-wasm/node';
import { openTrace } from '@vltrace/format';
import { ArrowRows } from '../src/arrow-rows.js';
import { parquetProperties, type ParquetTuning } from '../src/parquet-worker.js';
import type { FromWorker, ParquetWorkerData } from '../src/parquet-worker.js';
import type { Rows } from '../src/schema.js';
import { selectRows } from '../src/select.js';
import { synthesizeTrace } from '@vltrace/testkit';

const N = 1_000_000;
const GROUPS = Number(process.env['VLT_PQ_GROUPS'] ?? 4);
const ROWS = Number(process.env['VLT_PQ_ROWS'] ?? 65536);
const REPS = Number(process.env['VLT_PQ_REPS'] ?? 5);
const ONLY = process.env['VLT_PQ_ONLY']?.split(',');
const WORKERS = process.env['VLT_PQ_WORKERS'] !== '0';

const { Compression: C, Encoding: E, EnabledStatistics: S } = pq;
/** the trial before this benchmark: dictionary off except these */
const OLD_DICT = ['comm', 'syscall', 'nr', 'pid', 'tid', 'errno', 'errno_name', 'status', 'str_flags', 'str0', 'str1', 'str2', 'str3', 'str4', 'str5'];

/** A variant: writer settings (built fresh per call: writeParquet consumes them) and input form. */
interface Variant { name: string; props: () => pq.WriterProperties; input?: 'utf8' }

/** Writer settings as data. */
interface Spec {
  dict?: readonly string[] | 'all';
  delta?: readonly string[];
  strEnc?: pq.Encoding;
  stats?: pq.EnabledStatistics;
  statsCols?: readonly string[];
  codec?: pq.Compression;
  raw?: readonly string[];
  page?: number;
  batch?: number;
  v2?: boolean;
}
const DICT4 = ['comm', 'syscall', 'errno_name', 'status'];
const STRS = ['str0', 'str1', 'str2', 'str3', 'str4', 'str5'];
const TS = ['ts_enter', 'ts_exit'];
const SMALL_INTS = ['duration_ns', 'pid', 'tid', 'nr', 'str_flags', 'ret', 'errno', 'lost', 'cpu'];
const ARGS = ['arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5'];
const INTS = [...TS, ...SMALL_INTS, ...ARGS];

function build(s: Spec): pq.WriterProperties {
  let b = new pq.WriterPropertiesBuilder().setCompression(s.codec ?? C.ZSTD).setMaxRowGroupSize(ROWS).setCreatedBy('bench');
  if (s.dict !== 'all') {
    b = b.setDictionaryEnabled(false);
    for (const c of s.dict ?? []) b = b.setColumnDictionaryEnabled(c, true);
  }
  for (const c of s.delta ?? []) b = b.setColumnEncoding(c, E.DELTA_BINARY_PACKED);
  if (s.strEnc !== undefined) for (const c of STRS) b = b.setColumnEncoding(c, s.strEnc);
  if (s.stats !== undefined) b = b.setStatisticsEnabled(s.stats);
  for (const c of s.statsCols ?? []) b = b.setColumnStatisticsEnabled(c, S.Chunk);
  for (const c of s.raw ?? []) b = b.setColumnCompression(c, C.UNCOMPRESSED);
  if (s.page) b = b.setDataPageSizeLimit(s.page);
  if (s.batch) b = b.setWriteBatchSize(s.batch);
  if (s.v2) b = b.setWriterVersion(pq.WriterVersion.V2);
  return b.build();
}
const v = (name: string, s: Spec, input?: 'utf8'): Variant => ({ name, props: () => build(s), ...(input ? { input } : {}) });
const tuned = (t: ParquetTuning) => () => parquetProperties({ compression: 'zstd', rowGroupSize: ROWS, createdBy: 'bench', ...t });
const KEY_STATS = [...TS, 'pid', 'tid', 'nr', 'syscall', 'errno'];
const D = { dict: DICT4, delta: INTS };

const VARIANTS: Variant[] = [
  v('A parquet-wasm defaults: dict all, page stats', { dict: 'all' }),
  v('B dict 15 cols (earlier trial)', { dict: OLD_DICT }),
  v('dict none', {}),
  v('dict 4 (dict-typed cols)', { dict: DICT4 }),
  v('dict 4 + str', { dict: [...DICT4, ...STRS] }),
  v('dict all, stats none', { dict: 'all', stats: S.None }),
  v('dict 4, stats chunk', { dict: DICT4, stats: S.Chunk }),
  v('dict 4, stats none', { dict: DICT4, stats: S.None }),
  v('dict 4, DELTA ts', { dict: DICT4, delta: TS }),
  v('dict 4, DELTA ts+small ints', { dict: DICT4, delta: [...TS, ...SMALL_INTS] }),
  v('dict 4, DELTA all ints', D),
  v('dict 4, DELTA all ints, stats chunk', { ...D, stats: S.Chunk }),
  v('dict 4, DELTA all ints, stats none', { ...D, stats: S.None }),
  v('dict 4, DELTA all ints, stats none but chunk on ts/pid/tid/nr/syscall', { ...D, stats: S.None, statsCols: [...TS, 'pid', 'tid', 'nr', 'syscall'] }),
  v('dict 4, DELTA all ints, stats none but chunk on ints', { ...D, stats: S.None, statsCols: [...INTS, 'syscall'] }),
  v('dict 4+str, DELTA all ints, stats none', { ...D, dict: [...DICT4, ...STRS], stats: S.None }),
  v('dict 4, DELTA all ints, str DELTA_LENGTH, stats none', { ...D, strEnc: E.DELTA_LENGTH_BYTE_ARRAY, stats: S.None }),
  v('dict 4, DELTA all ints, str DELTA_BYTE_ARRAY, stats none', { ...D, strEnc: E.DELTA_BYTE_ARRAY, stats: S.None }),
  v('dict 4, DELTA all ints, ts uncompressed, stats none', { ...D, raw: TS, stats: S.None }),
  v('dict 4, DELTA ts+small ints, stats none', { dict: DICT4, delta: [...TS, ...SMALL_INTS], stats: S.None }),
  v('dict 4, DELTA ts+small ints, stats none, batch 65536', { dict: DICT4, delta: [...TS, ...SMALL_INTS], stats: S.None, batch: 65536 }),
  ...[4096, 8192, 16384, 32768].map((n) => v(`dict 4, DELTA all ints, stats none, batch ${n}`, { ...D, stats: S.None, batch: n })),
  v('dict 4, DELTA all ints, stats key cols, batch 8192', { ...D, stats: S.None, statsCols: KEY_STATS, batch: 8192 }),
  v('dict 4, DELTA all ints, stats none, page 8 MiB', { ...D, stats: S.None, page: 8 << 20 }),
  v('dict 4, DELTA all ints, stats none, batch 65536', { ...D, stats: S.None, batch: 65536 }),
  v('dict 4, writer V2, stats none', { dict: DICT4, v2: true, stats: S.None }),
  v('dict 4, DELTA all ints, stats none, snappy', { ...D, stats: S.None, codec: C.SNAPPY }),
  v('dict 4, DELTA all ints, stats none, lz4_raw', { ...D, stats: S.None, codec: C.LZ4_RAW }),
  v('dict 4, DELTA all ints, stats none, uncompressed', { ...D, stats: S.None, codec: C.UNCOMPRESSED }),
  v('dict none, Utf8 input', {}, 'utf8'),
  v('dict 4, DELTA all ints, stats none, Utf8 input', { ...D, stats: S.None }, 'utf8'),
  { name: 'src/parquet-worker.ts settings', props: tuned({}) },
].filter((x) => !ONLY || ONLY.some((o) => x.name.includes(o)));

/** Dictionary columns decoded to plain Utf8 (to see what Arrow dictionaries cost the writer). */
function undictionary(rb: RecordBatch): RecordBatch {
  const fields: Field[] = [];
  const children: Data[] = [];
  rb.schema.fields.forEach((f, k) => {
    const d = rb.data.children[k]!;
    if (!(f.type instanceof Dictionary)) {
      fields.push(f);
      children.push(d);
      return;
    }
    const dict = d.dictionary as Vector<Utf8>;
    const vo = dict.data[0]!.valueOffsets;
    const vd = dict.data[0]!.values as Uint8Array;
    const keys = d.values as Int32Array | Int8Array;
    const offsets = new Int32Array(d.length + 1);
    let n = 0;
    for (let i = 0; i < d.length; i++) {
      if (d.getValid(i)) n += vo[keys[i]! + 1]! - vo[keys[i]!]!;
      offsets[i + 1] = n;
    }
    const bytes = new Uint8Array(n);
    for (let i = 0; i < d.length; i++) if (d.getValid(i)) bytes.set(vd.subarray(vo[keys[i]!]!, vo[keys[i]! + 1]!), offsets[i]!);
    fields.push(new Field(f.name, new Utf8(), f.nullable));
    children.push(makeData({ type: new Utf8(), length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, valueOffsets: offsets, data: bytes }));
  });
  const schema = new Schema(fields, rb.schema.metadata);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rb.numRows, nullCount: 0, children }));
}

interface Group { ipc: Uint8Array; utf8: Uint8Array; prepMs: number }

async function groups(input: string): Promise<Group[]> {
  const trace = await openTrace(input);
  const rows = new ArrowRows(trace.header, { deltaDictionaries: false });
  const out: Group[] = [];
  let pending: Rows[] = [];
  let got = 0;
  const flush = () => {
    const t0 = performance.now();
    rows.comms(pending[pending.length - 1]!.comms);
    const rbs = pending.map((b) => rows.recordBatch(b));
    const ipc = tableToIPC(new Table(rbs), 'stream');
    const prepMs = performance.now() - t0;
    out.push({ ipc, utf8: tableToIPC(new Table(rbs.map(undictionary)), 'stream'), prepMs });
    pending = [];
    got = 0;
  };
  for await (const item of trace.items()) {
    if (item.type !== 'syscalls') continue;
    let b: Rows = item.batch;
    while (b.length > 0 && out.length < GROUPS) {
      const k = Math.min(b.length, ROWS - got);
      const idx = (s: number, e: number) => Int32Array.from({ length: e - s }, (_, j) => s + j);
      pending.push(k === b.length ? b : selectRows(b, idx(0, k), k));
      b = k === b.length ? { ...b, length: 0 } : selectRows(b, idx(k, b.length), b.length - k);
      got += k;
      if (got === ROWS) flush();
    }
    if (out.length >= GROUPS) break;
  }
  return out;
}

interface Sample { wallMs: number; cpuMs: number; ipcMs: number; bytes: number }

function encodeAll(v: Variant, gs: Group[]): Sample {
  let ipcMs = 0;
  let bytes = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const g of gs) {
    const t1 = performance.now();
    const table = pq.Table.fromIPCStream(v.input === 'utf8' ? g.utf8 : g.ipc);
    ipcMs += performance.now() - t1;
    bytes += pq.writeParquet(table, v.props()).length;
  }
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, ipcMs, bytes };
}

/** The same groups through k parquet-worker.ts threads (the sink's chunk path), wall time. */
async function viaWorkers(k: number, gs: Group[]): Promise<{ wallMs: number; cpuMs: number }> {
  const data: ParquetWorkerData = { compression: 'zstd', rowGroupSize: ROWS, createdBy: 'bench' };
  const ws = Array.from({ length: k }, () => new Worker(new URL('../src/parquet-worker.js', import.meta.url), { workerData: data }));
  // warm up: wasm instantiation is not what we measure
  await Promise.all(ws.map((w) => new Promise<void>((r) => {
    w.once('message', () => r());
    const ipc = gs[0]!.ipc.slice();
    w.postMessage({ type: 'chunk', seq: -1, ipc }, [ipc.buffer as ArrayBuffer]);
  })));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(ws.map((w) => new Promise<void>((resolve, reject) => {
    const send = () => {
      if (next >= gs.length) return resolve();
      const ipc = gs[next]!.ipc.slice();
      w.postMessage({ type: 'chunk', seq: next++, ipc }, [ipc.buffer as ArrayBuffer]);
    };
    w.on('message', (m: FromWorker) => (m.type === 'error' ? reject(new Error(m.message)) : send()));
    send();
  })));
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await Promise.all(ws.map((w) => w.terminate()));
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (VARIANTS.length === 0) {
    console.error(`parquet encoder bench: no variant name contains any of VLT_PQ_ONLY=${ONLY!.join(',')}`);
    process.exit(2);
  }
  const input = process.env['VLT_PQ_INPUT'] ?? join(tmpdir(), `vltrace-bench-${N}.bin`);
  if (!existsSync(input)) await synthesizeTrace(input, { syscalls: N });
  const gs = await groups(input);
  const nRows = gs.length * ROWS;
  console.log(`parquet encoder: ${gs.length} row groups × ${ROWS} rows from ${input}; ${REPS} reps, medians`);
  console.log(`main-thread prep (recordBatch + tableToIPC), per group: ${median(gs.map((g) => g.prepMs)).toFixed(1)} ms; IPC ${(gs.reduce((s, g) => s + g.ipc.length, 0) / 1e6).toFixed(1)} MB\n`);
  // warm up: one untimed pass of every variant (wasm code tiers up per function as it runs)
  for (const v of VARIANTS) encodeAll(v, gs.slice(0, 1));
  const dump = process.env['VLT_PQ_DUMP'];
  if (dump) {
    // every variant's encoding of the first group, to inspect (parquet_metadata) and compare
    mkdirSync(dump, { recursive: true });
    VARIANTS.forEach((v, k) => writeFileSync(join(dump, `${k}.parquet`), pq.writeParquet(pq.Table.fromIPCStream(v.input === 'utf8' ? gs[0]!.utf8 : gs[0]!.ipc), v.props())));
    writeFileSync(join(dump, 'variants.json'), JSON.stringify(VARIANTS.map((v) => v.name)));
  }
  const samples = new Map<string, Sample[]>(VARIANTS.map((v) => [v.name, []]));
  const wsamples = new Map<number, { wallMs: number; cpuMs: number }[]>([[1, []], [2, []]]);
  for (let r = 0; r < REPS; r++) {
    for (let j = 0; j < VARIANTS.length; j++) {
      const v = VARIANTS[(j + r) % VARIANTS.length]!;
      samples.get(v.name)!.push(encodeAll(v, gs));
    }
    if (WORKERS) for (const k of r % 2 ? [2, 1] : [1, 2]) wsamples.get(k)!.push(await viaWorkers(k, gs));
    process.stderr.write(`rep ${r + 1}/${REPS}\n`);
  }
  const base = median(samples.get(VARIANTS[0]!.name)!.map((s) => s.cpuMs));
  console.log('| variant | wall ms | CPU ms | CPU vs first | of which IPC→wasm ms | k rows/s (CPU) | MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const v of VARIANTS) {
    const s = samples.get(v.name)!;
    const cpu = median(s.map((x) => x.cpuMs));
    console.log(`| ${v.name} | ${median(s.map((x) => x.wallMs)).toFixed(0)} | ${cpu.toFixed(0)} | ${(cpu / base).toFixed(2)} | ${median(s.map((x) => x.ipcMs)).toFixed(0)} | ${(nRows / cpu).toFixed(0)} | ${(s[0]!.bytes / 1e6).toFixed(2)} |`);
  }
  if (WORKERS) {
    console.log('\n| parquet-worker.ts threads | wall ms | CPU ms (process) | k rows/s (wall) |\n|---|---|---|---|');
    for (const [k, s] of wsamples) {
      const w = median(s.map((x) => x.wallMs));
      console.log(`| ${k} | ${w.toFixed(0)} | ${median(s.map((x) => x.cpuMs)).toFixed(0)} | ${(nRows / w).toFixed(0)} |`);
    }
  }
}

await main();
