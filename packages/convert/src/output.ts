/**
 * Where a conversion writes: a stream (stdout), or a file/directory written under a temporary
 * name and renamed into place only when complete. When the input turns out to be bad part-way,
 * what was converted is kept under a name that says so (`run.partial.parquet`), never under the
 * name of a complete output.
 *
 * Files are created by @vltrace/format/files: never through a name someone else planted (a
 * symlink is replaced, not followed), devices and FIFOs written as they are, and never more
 * readable than the recordings they come from (outputMode).
 */
import { createWriteStream, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { checkReplaceable, createFile, derivedMode, modeOf, OutputPathError, outputPathError, tempNameFor, type PendingFile } from '@vltrace/format/files';
import { EXTENSIONS, type Format } from './sink.js';

/** The output a binary format writes by default: the input's name with the format's extension, beside it. */
export function defaultOutputPath(input: string, format: Format): string {
  const ext = extname(input);
  const stem = ext === '.bin' ? basename(input, ext) : basename(input);
  return join(dirname(input), stem + EXTENSIONS[format]);
}

/** run.parquet → run.partial.parquet; out → out.partial */
export function partialPath(path: string): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  return join(dirname(path), `${stem}.partial${ext}`);
}

/** The mode of files converted from these recordings: at most every one's (derivedMode). */
export function outputMode(inputs: readonly string[]): number {
  return derivedMode(inputs.reduce((m, f) => m & modeOf(f), 0o777));
}

/** What an output is written to while it is pending. */
export type OutputKind =
  /** a write stream (text formats) */
  | 'stream'
  /** a file descriptor (arrow, arrows, parquet, perfetto) */
  | 'fd'
  /** a directory (a partitioned Parquet dataset) */
  | 'directory';

/** A file (or directory) being written under a temporary name. */
export interface PendingOutput {
  readonly final: string;
  /** where it is written meanwhile: a hidden name beside `final`, or `final` itself when `special` */
  readonly tmp: string;
  /** true when `final` is written as it is (a device, a FIFO, /dev/stdout): nothing is renamed */
  readonly special: boolean;
  /** a write stream on the file (kind 'stream') */
  readonly stream?: NodeJS.WritableStream;
  /** the file's descriptor (kind 'fd'), closed by commit() or discard() */
  readonly fd?: number;
  /** finishes the stream and moves tmp to `to` (default: the final name) */
  commit(to?: string): Promise<void>;
  /** removes tmp */
  discard(): Promise<void>;
}

/**
 * Prepares `final` to be written at a temporary name (files of mode `mode`; a directory gets
 * derivedMode(mode, true)). Throws OutputPathError when it cannot be created.
 */
export function pendingOutput(final: string, kind: OutputKind, mode: number): PendingOutput {
  return kind === 'directory' ? pendingDirectory(final, mode) : pendingFile(final, kind === 'stream', mode);
}

function pendingFile(final: string, withStream: boolean, mode: number): PendingOutput {
  const file: PendingFile = createFile(final, mode);
  // the stream never closes the fd: file.commit() and file.discard() do
  const stream = withStream ? createWriteStream('', { fd: file.fd, autoClose: false }) : undefined;
  const endStream = async () => {
    if (!stream || stream.writableFinished || stream.destroyed) return;
    stream.end();
    await finished(stream).catch(() => undefined);
  };
  return {
    final,
    tmp: file.tmp,
    special: file.special,
    ...(stream ? { stream } : { fd: file.fd }),
    async commit(to = final) {
      if (stream) {
        stream.end();
        try {
          await finished(stream);
        } catch (e) {
          file.discard();
          throw e;
        }
      }
      file.commit(to);
    },
    async discard() {
      await endStream();
      file.discard();
    },
  };
}

/**
 * A partitioned dataset: a fresh directory beside `final` (mkdir creates it or fails, it never
 * follows a symlink), renamed over `final` when complete. What `final` was is replaced only if
 * it is a directory of this user holding nothing but a dataset (key=value directories of
 * .parquet files), or not a directory (a symlink is replaced, not followed).
 */
function pendingDirectory(final: string, mode: number): PendingOutput {
  checkDatasetTarget(final);
  const tmp = tempNameFor(final);
  try {
    mkdirSync(tmp, { mode: derivedMode(mode, true) });
  } catch (e) {
    throw outputPathError(final, e);
  }
  return {
    final,
    tmp,
    special: false,
    async commit(to = final) {
      try {
        replaceWithDirectory(tmp, to);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
    },
    async discard() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Refuses, before anything is written, a dataset name that cannot be replaced (see pendingDirectory). */
function checkDatasetTarget(path: string): void {
  const st = lstatOrUndefined(path);
  if (!st) return;
  if (st.isSymbolicLink() || st.isFile()) return checkReplaceable(path);
  if (!st.isDirectory()) throw new OutputPathError(path, 'a partitioned dataset is a directory, and this is a device, FIFO or socket');
  const notOurs = notReplaceableDataset(path, st);
  if (notOurs) throw new OutputPathError(path, `${notOurs}; not replaced`);
}

/** Why the directory `path` must not be replaced by a new dataset, or undefined if it may. */
function notReplaceableDataset(path: string, st: Stats): string | undefined {
  const uid = process.geteuid?.();
  if (uid !== undefined && st.uid !== uid) return `it is a directory of uid ${st.uid}`;
  if (st.mode & 0o022) return 'it is a directory others can write to';
  const stray = strayEntry(path);
  return stray === undefined ? undefined : `it is a directory that is not a Parquet dataset (it holds ${stray})`;
}

/** The first entry under dir that a dataset does not have (anything but key=value/ and *.parquet), or undefined. */
function strayEntry(dir: string, rel = ''): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const name = rel + e.name;
    if (e.isDirectory() && e.name.includes('=')) {
      const inner = strayEntry(join(dir, e.name), name + '/');
      if (inner !== undefined) return inner;
    } else if (!(e.isFile() && (e.name.endsWith('.parquet') || e.name.includes('.tmp-')))) {
      return name;
    }
  }
  return undefined;
}

/** Moves the complete directory tmp to `to`, replacing what is there (checked again now). */
function replaceWithDirectory(tmp: string, to: string): void {
  const st = lstatOrUndefined(to);
  let old: string | undefined;
  try {
    if (st?.isDirectory()) {
      const why = notReplaceableDataset(to, st);
      if (why) throw new OutputPathError(to, `${why}; not replaced`);
      // the old dataset moves aside, so that `to` is never missing nor half-written
      const aside = tempNameFor(to);
      renameSync(to, aside);
      old = aside;
    } else if (st && !st.isSymbolicLink() && !st.isFile()) {
      throw new OutputPathError(to, 'a partitioned dataset is a directory, and this is a device, FIFO or socket');
    } else if (st) {
      // a file or a symlink (never followed): a directory cannot be renamed over it
      checkReplaceable(to);
      unlinkSync(to);
    }
    renameSync(tmp, to);
  } catch (e) {
    if (old) renameSync(old, to);
    throw outputPathError(to, e);
  }
  if (old) rmSync(old, { recursive: true, force: true });
}
