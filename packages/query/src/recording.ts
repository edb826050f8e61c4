/**
 * `.bin` recordings as Parquet: a recording given to vltrace-query is converted once into
 * @vltrace/convert's schema (the one schema of every vltrace table), by convert's own Parquet
 * sink (the one writer of that schema's Parquet), into its cache (cache-place.ts: where, and the
 * key a conversion must match to be used), and reused while the recording is the same file with
 * the same content. The same pass keeps the reader's counters (`recording.json`) for the `lost`
 * report.
 *
 * A conversion is written by one process at a time (cache-lock.ts) into a private directory
 * (0700), its files then given the recording's modes at most, and renamed into place whole:
 * concurrent queries wait for it and use it, and never see a part of one.
 */
import { chmodSync, lstatSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FormatError, openTrace, type FormatWarning, type TraceHeader, type TraceMeta, type TraceStats, type Trace, type OpenTraceOptions } from '@vltrace/format';
import { writeFileSafely } from '@vltrace/format/files';
import type { ParquetCompression, Sink } from '@vltrace/convert';
import { InputError } from './errors.js';
import type { TraceDb } from './db.js';
import {
  BUILD_PREFIX, CURRENT, INFO_FILE, KEY_FILE, LOCK_TMP_PREFIX, OLD_PREFIX, PROCESSES_FILE, SYSCALLS_DIR,
  identityOf, placeOf, type CacheKey, type CachePlace, type RecordingIdentity,
} from './cache-place.js';
import { distrustOwn, distrustOwnDir, readOwnFile } from './cache-trust.js';
import { lockCache } from './cache-lock.js';
import { removeWhenDone } from './private-temp.js';

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
  readonly info: RecordingInfo;
  /** true when the cache was reused */
  readonly cached: boolean;
}

export interface PrepareOptions {
  /** cache root instead of beside the input or the per-user cache; must be this user's own */
  cacheDir?: string;
  /** convert again even when the cache is current */
  refresh?: boolean;
  /** Parquet codec of the cache (default zstd) */
  compression?: ParquetCompression;
  /** told before a recording is converted (the CLI says so on a terminal) */
  onConvert?: (file: string, cacheDir: string) => void;
  /** told when another process is converting the recording and this one waits for it */
  onWait?: (file: string, pid: number) => void;
  /** told why a `.vltrace-cache` directory beside a recording is not used (someone else's) */
  onNotice?: (message: string) => void;
}

const placeOptions = (opts: PrepareOptions) => ({ cacheDir: opts.cacheDir, onNotice: opts.onNotice });

/** The recording's cache when it is current (and `refresh` is not asked), else undefined. Creates nothing. */
export async function cachedRecording(file: string, opts: PrepareOptions = {}): Promise<PreparedRecording | undefined> {
  if (opts.refresh) return undefined;
  const id = await identityOf(file);
  const place = await placeOf(file, id.dirMode, false, placeOptions(opts));
  return place && current(join(place.dir, CURRENT), id.key, file);
}

/**
 * The conversion in `dir` when it is this user's own (never one someone else could have made
 * or changed) and carries `key`; undefined otherwise.
 */
function current(dir: string, key: CacheKey, file: string): PreparedRecording | undefined {
  try {
    if (distrustOwnDir(dir) || readOwnFile(join(dir, KEY_FILE)) !== JSON.stringify(key)) return undefined;
    const info = JSON.parse(readOwnFile(join(dir, INFO_FILE))) as RecordingInfo;
    return { ...prepared(dir, { ...info, file }), cached: true };
  } catch {
    return undefined; // no cache, or an unreadable one
  }
}

/** The files of a conversion in `dir` (checked: this user's own). */
function prepared(dir: string, info: RecordingInfo): PreparedRecording {
  const parts = join(dir, SYSCALLS_DIR);
  const bad = distrustOwnDir(parts);
  if (bad) throw new Error(`${parts}: ${bad}`);
  const syscalls = readdirSync(parts).filter((x) => x.endsWith('.parquet')).sort().map((x) => join(parts, x));
  for (const f of syscalls) {
    const why = distrustOwn(lstatSync(f), 'file');
    if (why) throw new Error(`${f}: ${why}`);
  }
  return { dir, syscalls, info, cached: false };
}

/**
 * Makes sure a recording has a current Parquet copy in its cache, converting it if needed.
 * Bad input (not a recording, corrupt packets) is an InputError naming the file.
 */
export async function prepareRecording(file: string, db: TraceDb, opts: PrepareOptions = {}): Promise<PreparedRecording> {
  const id = await identityOf(file);
  const place = (await placeOf(file, id.dirMode, true, placeOptions(opts)))!;
  const target = join(place.dir, CURRENT);
  if (!opts.refresh) {
    const ok = current(target, id.key, file);
    if (ok) return ok;
  }
  const seen = inodeOf(target);
  const lock = await lockCache(place.dir, opts.onWait && ((pid) => opts.onWait!(file, pid)));
  try {
    // converted by another process while this one waited (with refresh: converted anew meanwhile)
    if (!opts.refresh || inodeOf(target) !== seen) {
      const ok = current(target, id.key, file);
      if (ok) return ok;
    }
    removeLeftovers(place);
    opts.onConvert?.(file, target);
    const build = mkdtempSync(join(place.dir, `${BUILD_PREFIX}${process.pid}-`));
    try {
      const info = await convertInto(file, build, db, id, opts);
      writeFileSafely(join(build, KEY_FILE), JSON.stringify(id.key), id.fileMode);
      applyModes(build, id);
      if (!(await unchanged(file, id.key))) {
        // it changed while being read (a recording still being written): these rows answer
        // this command but are not kept under a key they may not match
        removeWhenDone(build);
        return prepared(build, info);
      }
      install(place, build);
      return prepared(target, info);
    } catch (e) {
      rmSync(build, { recursive: true, force: true });
      throw e;
    }
  } finally {
    lock.release();
  }
}

function inodeOf(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Whether a recording still has the identity its key was made from. */
async function unchanged(file: string, key: CacheKey): Promise<boolean> {
  const st = await stat(file, { bigint: true });
  return String(st.dev) === key.dev && String(st.ino) === key.ino && String(st.size) === key.size
    && String(st.mtimeNs) === key.mtimeNs && String(st.ctimeNs) === key.ctimeNs;
}

/** Gives a finished conversion its modes: the recording's at most (the build dir was 0700 meanwhile). */
function applyModes(dir: string, id: RecordingIdentity): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) applyModes(p, id);
    else chmodSync(p, id.fileMode);
  }
  chmodSync(dir, id.dirMode);
}

/** Renames a finished conversion to `current`, the one it replaces aside first (under the lock). */
function install(place: CachePlace, build: string): void {
  const target = join(place.dir, CURRENT);
  const old = join(place.dir, `${OLD_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  let moved = false;
  try {
    renameSync(target, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  renameSync(build, target);
  if (moved) rmSync(old, { recursive: true, force: true });
}

/** What cache version 2 kept directly in a recording's directory (now in current/). */
const VERSION_2_FILES = new Set([KEY_FILE, INFO_FILE, PROCESSES_FILE, SYSCALLS_DIR]);

/**
 * Removes what processes that died left in a recording's cache directory, and what an older
 * vltrace-query kept there (called under the lock).
 */
function removeLeftovers(place: CachePlace): void {
  for (const name of readdirSync(place.dir)) {
    if (VERSION_2_FILES.has(name)) {
      rmSync(join(place.dir, name), { recursive: true, force: true });
      continue;
    }
    const prefix = [BUILD_PREFIX, OLD_PREFIX, LOCK_TMP_PREFIX].find((p) => name.startsWith(p));
    if (!prefix) continue;
    const pid = parseInt(name.slice(prefix.length), 10);
    if (pid !== process.pid && !alive(pid)) rmSync(join(place.dir, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** openTrace, with a file that is not a recording as an InputError. */
export async function openRecording(file: string, opts: OpenTraceOptions = {}): Promise<Trace> {
  try {
    return await openTrace(file, opts);
  } catch (e) {
    if (e instanceof FormatError) throw new InputError(file, `not a vltrace recording or Parquet file: ${e.message.replace(`${file}: `, '')}`);
    throw e;
  }
}

/** An error met while reading a recording: a corrupt one is an InputError naming the file (and offset). */
export function badRecording(file: string, e: unknown): unknown {
  return e instanceof FormatError ? new InputError(file, `bad recording: ${e.message.replace(`${file}: `, '')}`) : e;
}

/**
 * How the recording is read for a conversion: batches of 16K rows and 1 MiB reads hold ~35 MB
 * less than the reader's defaults (64K, 4 MiB) at the same speed; the conversion keeps little
 * else, so this is a good part of its peak memory.
 */
const CONVERT_READ: OpenTraceOptions = { batchRows: 1 << 14, readSize: 1 << 20 };

/** One pass over the recording: rows into the Parquet writer, the trailer kept. */
async function convertInto(file: string, dir: string, db: TraceDb, id: RecordingIdentity, opts: PrepareOptions): Promise<RecordingInfo> {
  const trace = await openRecording(file, CONVERT_READ);
  await mkdir(join(dir, SYSCALLS_DIR));
  const sink = await parquetSink(dir, trace.header, opts);
  let trailer: RecordingInfo['trailer'] = null;
  try {
    for await (const item of trace.items()) {
      const w = sink.write(item);
      if (w) await w;
      if (item.type === 'trailer') {
        trailer = {
          events: String(item.events), written: String(item.written), lost: String(item.lost),
          lostPerCpu: item.lostPerCpu.map(String), interrupted: item.interrupted,
        };
      }
    }
    await sink.close();
  } catch (e) {
    await sink.close().catch(() => undefined);
    throw badRecording(file, e);
  }
  const stats: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(trace.stats as TraceStats)) stats[k] = typeof v === 'bigint' ? String(v) : v;
  const info: RecordingInfo = { file, meta: trace.header.meta, format: trace.header.format, stats, warnings: trace.warnings, trailer };
  writeFileSafely(join(dir, INFO_FILE), JSON.stringify(info), id.fileMode);
  return info;
}

/**
 * Rows per row group of the cache: a quarter of the converter's default. A row group is
 * gathered as Arrow IPC before it is encoded, and recordings with captured memory (the `data`
 * column) make large ones: on a real `ls -laR` recording with data, peak RSS 343 MiB with 64K
 * rows, 305 with 32K, 258 with 16K (the DuckDB writer used before: 265). BENCHMARKS.md.
 */
const CACHE_ROW_GROUP = 1 << 14;

/** convert's Parquet sink, into the conversion's one syscalls file. */
async function parquetSink(dir: string, header: TraceHeader, opts: PrepareOptions): Promise<Sink> {
  const { createSink } = await import('@vltrace/convert');
  return createSink('parquet', join(dir, SYSCALLS_DIR, 'part-00000.parquet'), { header, compression: opts.compression ?? 'zstd', rowGroupSize: CACHE_ROW_GROUP });
}
