/**
 * What the user gave on the command line, as data for the views: a `.bin` recording (v1 or
 * vltrace 0.1; converted through the cache), a Parquet file, or a directory of Parquet files
 * (a hive-partitioned dataset such as `host=web1/date=2026-11-26/part-0.parquet`).
 * Every `.parquet` file holds rows of the table schema, but `processes.parquet` and
 * `<name>.processes.parquet`: process rows earlier versions kept beside the rows, not read now
 * (the process table is computed from the rows, see processes.ts).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from './errors.js';
import { textOrder } from './order.js';
import type { Sources, TraceDb } from './db.js';
import type { PrepareOptions, RecordingInfo } from './recording.js';

/** The resolved inputs: the files behind the views, and what the recordings' readers reported. */
export interface ResolvedInputs extends Sources {
  readonly recordings: readonly RecordingInfo[];
}

/** How to resolve: with `syscallsOnly`, partition keys are not worked out (see SessionOptions). */
export interface ResolveOptions extends PrepareOptions {
  syscallsOnly?: boolean;
}

const isProcessesFile = (f: string) => /(^|[/.])processes\.parquet$/.test(f);

async function magic(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return b.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}

async function listParquet(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    // hidden entries (our own cache, editors' files) left out, before sorting: the rest's order is the same
    for (const e of entries.filter((x) => !x.name.startsWith('.')).sort((a, b) => textOrder(a.name, b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.parquet')) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** key=value directory names shared by every file under `root` */
function hiveKeysOf(root: string, files: readonly string[]): string[] {
  let keys: string[] | undefined;
  for (const f of files) {
    const k = relative(root, f)
      .split(sep)
      .slice(0, -1)
      .filter((s) => /^[^=]+=.*$/.test(s))
      .map((s) => s.slice(0, s.indexOf('=')));
    keys = keys === undefined ? k : keys.filter((x) => k.includes(x));
  }
  return keys ?? [];
}

/**
 * What an input is, without reading more than its first bytes: a recording (a non-empty file
 * that is not Parquet), Parquet, or anything else (a directory, a missing or empty file) — which
 * resolveInputs() handles, with its errors.
 */
export async function inputKind(input: string): Promise<'recording' | 'parquet' | 'other'> {
  try {
    const st = await stat(input);
    if (!st.isFile() || st.size === 0) return 'other';
    return (await magic(input)) === 'PAR1' ? 'parquet' : 'recording';
  } catch {
    return 'other';
  }
}

/** Resolves inputs, converting recordings as needed (into `db`, which may still be opening). Missing or unusable inputs are InputErrors. */
export async function resolveInputs(inputs: readonly string[], db: TraceDb | PromiseLike<TraceDb>, opts: ResolveOptions = {}): Promise<ResolvedInputs> {
  const groups: { input: string; syscalls: string[] }[] = [];
  const recordings: RecordingInfo[] = [];
  const hiveSets: string[][] = [];
  for (const input of inputs) {
    const syscalls: string[] = [];
    groups.push({ input, syscalls });
    let st;
    try {
      st = await stat(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(input, code === 'ENOENT' ? 'no such file or directory' : `cannot read it (${code ?? String(e)})`);
    }
    if (st.isDirectory()) {
      const files = await listParquet(input);
      const rows = files.filter((f) => !isProcessesFile(f));
      if (rows.length === 0) throw new InputError(input, 'no Parquet files in this directory');
      syscalls.push(...rows);
      hiveSets.push(hiveKeysOf(input, files));
      continue;
    }
    if (!st.isFile()) throw new InputError(input, 'not a file or directory');
    if (st.size === 0) throw new InputError(input, 'empty file: not a vltrace recording or Parquet file');
    let head;
    try {
      head = await magic(input);
    } catch (e) {
      throw new InputError(input, `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    hiveSets.push([]);
    if (head === 'PAR1') {
      if (isProcessesFile(input)) throw new InputError(input, 'a processes file (process rows of an earlier version), not syscall rows: give the syscalls Parquet file (or its directory)');
      syscalls.push(input);
      continue;
    }
    // loaded for recordings only: the reader and the cache are most of what a query imports
    const { prepareRecording } = await import('./recording.js');
    const rec = await prepareRecording(input, await db, opts);
    syscalls.push(...rec.syscalls);
    recordings.push(rec.info);
  }
  // partition columns exist only when every input has them
  const hiveKeys = hiveSets.reduce((acc, k) => acc.filter((x) => k.includes(x)), hiveSets[0] ?? []);
  if (opts.syscallsOnly) return { groups, hiveKeys, recordings };
  // a partition by a column (pid, syscall) splits one recording: its rows are still one process table
  const columns = hiveKeys.length > 0 ? new Set<string>((await import('@vltrace/convert/schema')).COLUMN_NAMES) : new Set<string>();
  const partKeys = [...hiveKeys.filter((k) => !columns.has(k)), ...(groups.length > 1 ? ['source'] : [])];
  return { groups, hiveKeys, recordings, partKeys };
}
