/**
 * `.bin` recordings as Parquet: a recording given to vltrace-query is converted once into
 * @vltrace/convert's schema (the one schema of every vltrace table) — by ingest.ts, which has
 * DuckDB write the Parquet (fast), or by convert's own Parquet sink (`engine: 'convert'`) — into
 * a cache directory beside it (`.vltrace-cache/<name>/`, or under the temp dir when that is not
 * writable), and reused while the recording's size and mtime and the format versions are
 * unchanged. The same pass folds the process events into `processes.parquet` and keeps the
 * reader's counters (`recording.json`) for the `lost` report.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, access, constants } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { FormatError, openTrace, FORMAT_VERSION, type FormatWarning, type TraceHeader, type TraceItem, type TraceMeta, type TraceStats, type Trace } from '@vltrace/format';
import type { ParquetCompression } from '@vltrace/convert';
import { InputError } from './errors.js';
import { ProcessTracker, type ProcessRow } from './processes.js';
import { sqlString, type TraceDb } from './db.js';
import { toJson } from './output.js';

/** Bump when what the cache holds changes shape. */
const CACHE_VERSION = 2;

/** What the reader learned about a recording besides its rows. */
export interface RecordingInfo {
  readonly file: string;
  readonly meta: TraceMeta;
  readonly format: string;
  readonly stats: Record<string, number | string>;
  readonly warnings: readonly FormatWarning[];
  /** the recorder's trailer totals (null when it did not stop cleanly) */
  readonly trailer: { events: string; written: string; lost: string; lostPerCpu: string[]; interrupted: boolean } | null;
}

/** A converted recording in the cache. */
export interface PreparedRecording {
  readonly dir: string;
  /** the Parquet files of the syscalls rows */
  readonly syscalls: readonly string[];
  readonly processes: string;
  readonly info: RecordingInfo;
  /** true when the cache was reused */
  readonly cached: boolean;
}

export interface PrepareOptions {
  /** cache root instead of beside the input */
  cacheDir?: string;
  /** convert again even when the cache is current */
  refresh?: boolean;
  /** Parquet codec of the cache (default zstd) */
  compression?: ParquetCompression;
  /** who writes the Parquet: DuckDB from the batches (default, fast) or convert's Parquet sink */
  engine?: 'duckdb' | 'convert';
  /** told before a recording is converted (the CLI says so on a terminal) */
  onConvert?: (file: string, cacheDir: string) => void;
}

interface CacheKey {
  size: number;
  mtimeMs: number;
  format: string;
  schema: string;
  cache: number;
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cache directory of a recording. */
async function cacheDirOf(file: string, opts: PrepareOptions): Promise<string> {
  const abs = resolve(file);
  if (opts.cacheDir) return join(opts.cacheDir, hashName(abs));
  const beside = dirname(abs);
  if (await writable(beside)) return join(beside, '.vltrace-cache', basename(abs));
  return join(tmpdir(), `vltrace-query-cache-${process.getuid?.() ?? 'u'}`, hashName(abs));
}

function hashName(abs: string): string {
  return `${basename(abs)}-${createHash('sha1').update(abs).digest('hex').slice(0, 12)}`;
}

/** The cache of a recording and the key it must carry to be current. */
async function cacheOf(file: string, opts: PrepareOptions): Promise<{ dir: string; key: CacheKey }> {
  const st = await stat(file);
  const dir = await cacheDirOf(file, opts);
  // loaded on first use: only .bin inputs need the converter
  const { SCHEMA_VERSION } = await import('@vltrace/convert');
  const key: CacheKey = {
    size: st.size, mtimeMs: st.mtimeMs, format: `${FORMAT_VERSION.major}.${FORMAT_VERSION.minor}`, schema: SCHEMA_VERSION, cache: CACHE_VERSION,
  };
  return { dir, key };
}

const partsIn = (dir: string) =>
  readdir(join(dir, 'syscalls')).then((f) => f.filter((x) => x.endsWith('.parquet')).sort().map((x) => join(dir, 'syscalls', x)));

/** The recording's cache when it is current (and `refresh` is not asked), else undefined. */
export async function cachedRecording(file: string, opts: PrepareOptions = {}): Promise<PreparedRecording | undefined> {
  if (opts.refresh) return undefined;
  return current(await cacheOf(file, opts));
}

async function current({ dir, key }: { dir: string; key: CacheKey }): Promise<PreparedRecording | undefined> {
  try {
    const old = JSON.parse(await readFile(join(dir, 'key.json'), 'utf8')) as CacheKey;
    if (JSON.stringify(old) === JSON.stringify(key)) {
      const info = JSON.parse(await readFile(join(dir, 'recording.json'), 'utf8')) as RecordingInfo;
      return { dir, syscalls: await partsIn(dir), processes: join(dir, 'processes.parquet'), info, cached: true };
    }
  } catch {
    // no cache, or an unreadable one
  }
  return undefined;
}

/**
 * Makes sure a recording has a current Parquet copy in its cache, converting it if needed.
 * Bad input (not a recording, corrupt packets) is an InputError naming the file.
 */
export async function prepareRecording(file: string, db: TraceDb, opts: PrepareOptions = {}): Promise<PreparedRecording> {
  const c = await cacheOf(file, opts);
  const { dir, key } = c;
  const processes = join(dir, 'processes.parquet');
  if (!opts.refresh) {
    const ok = await current(c);
    if (ok) return ok;
  }
  opts.onConvert?.(file, dir);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    const info = await convertInto(file, tmp, db, opts);
    await writeFile(join(tmp, 'key.json'), JSON.stringify(key));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, syscalls: await partsIn(dir), processes, info, cached: false };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** openTrace, with a file that is not a recording as an InputError. */
export async function openRecording(file: string): Promise<Trace> {
  try {
    return await openTrace(file);
  } catch (e) {
    if (e instanceof FormatError) throw new InputError(file, `not a vltrace recording or Parquet file: ${e.message.replace(`${file}: `, '')}`);
    throw e;
  }
}

/** An error met while reading a recording: a corrupt one is an InputError naming the file (and offset). */
export function badRecording(file: string, e: unknown): unknown {
  return e instanceof FormatError ? new InputError(file, `bad recording: ${e.message.replace(`${file}: `, '')}`) : e;
}

/** One pass over the recording: rows into convert's Parquet sink, process events into the tracker. */
async function convertInto(file: string, dir: string, db: TraceDb, opts: PrepareOptions): Promise<RecordingInfo> {
  const trace = await openRecording(file);
  await mkdir(join(dir, 'syscalls'));
  const sink = opts.engine === 'convert' ? await convertSink(dir, trace.header, opts) : await duckSink(dir, db, trace.header, opts);
  const procs = new ProcessTracker(trace.header.meta);
  let trailer: RecordingInfo['trailer'] = null;
  try {
    for await (const item of trace.items()) {
      const w = sink.write(item);
      if (w) await w;
      switch (item.type) {
        case 'fork':
        case 'exec':
        case 'proc_exit':
        case 'proc_info':
          procs.add(item);
          break;
        case 'trailer':
          trailer = {
            events: String(item.events), written: String(item.written), lost: String(item.lost),
            lostPerCpu: item.lostPerCpu.map(String), interrupted: item.interrupted,
          };
          break;
      }
    }
    await sink.close();
  } catch (e) {
    await sink.close().catch(() => undefined);
    throw badRecording(file, e);
  }
  await writeProcesses(db, procs.rows(), join(dir, 'processes.parquet'));
  const stats: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(trace.stats as TraceStats)) stats[k] = typeof v === 'bigint' ? String(v) : v;
  const info: RecordingInfo = { file, meta: trace.header.meta, format: trace.header.format, stats, warnings: trace.warnings, trailer };
  await writeFile(join(dir, 'recording.json'), JSON.stringify(info));
  return info;
}

interface RowSink {
  write(item: TraceItem): void | Promise<void>;
  close(): Promise<void>;
}

/** convert's own Parquet sink (parquet-wasm). */
async function convertSink(dir: string, header: TraceHeader, opts: PrepareOptions): Promise<RowSink> {
  const { createSink } = await import('@vltrace/convert');
  return createSink('parquet', join(dir, 'syscalls', 'part-00000.parquet'), { header, compression: opts.compression ?? 'zstd' });
}

/** DuckDB writes the Parquet from the batches (ingest.ts). */
async function duckSink(dir: string, db: TraceDb, header: TraceHeader, opts: PrepareOptions): Promise<RowSink> {
  const { ParquetIngest } = await import('./ingest.js');
  const writer = await db.connect();
  const codec = opts.compression === 'none' ? 'uncompressed' : (opts.compression ?? 'zstd');
  const ing = await ParquetIngest.create(db, writer, join(dir, 'syscalls'), header, codec);
  // DuckDB's writer threads would compete with the decoding thread for the CPUs
  const threads = Math.max(1, availableParallelism() - 1);
  await db.exec(`SET threads = ${threads}; SET preserve_insertion_order = false`);
  let done = false;
  return {
    write(item) {
      if (item.type === 'syscalls') return ing.add(item.batch);
      if (item.type === 'lost') return ing.addLost(item);
      if (item.type === 'signal') return ing.addSignal(item);
    },
    async close() {
      if (done) return;
      done = true;
      try {
        await ing.finish();
      } catch (e) {
        await ing.abort();
        throw e;
      } finally {
        writer.close();
        await db.exec('RESET threads; RESET preserve_insertion_order');
      }
    },
  };
}

/** Writes process rows as Parquet through DuckDB (a handful of rows: JSON Lines in, Parquet out). */
export async function writeProcesses(db: TraceDb, rows: readonly ProcessRow[], out: string): Promise<void> {
  const jsonl = `${out}.jsonl`;
  const ns = (v: bigint | null) => (v === null ? null : v);
  await writeFile(
    jsonl,
    rows
      .map((r) =>
        toJson({
          pid: r.pid, ppid: r.ppid, comm: r.comm, exe: r.exe, execs: r.execs, start_ns: ns(r.startNs), end_ns: ns(r.endNs),
          exit_code: r.exitCode, exit_signal: r.exitSignal, core_dumped: r.coreDumped, threads: r.threads, origin: r.origin,
        }),
      )
      .join('\n') + '\n',
  );
  await db.exec(`COPY (
      SELECT pid, ppid, comm, exe, execs, make_timestamp_ns(start_ns) AS start_ts, make_timestamp_ns(end_ns) AS end_ts,
             exit_code, exit_signal, core_dumped, threads, origin
      FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {
        pid: 'INTEGER', ppid: 'INTEGER', comm: 'VARCHAR', exe: 'VARCHAR', execs: 'VARCHAR[]', start_ns: 'BIGINT',
        end_ns: 'BIGINT', exit_code: 'INTEGER', exit_signal: 'INTEGER', core_dumped: 'BOOLEAN', threads: 'INTEGER', origin: 'VARCHAR'})
    ) TO ${sqlString(out)} (FORMAT parquet)`);
  await rm(jsonl, { force: true });
}
