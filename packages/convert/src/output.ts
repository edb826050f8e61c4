/**
 * Where a conversion writes: a stream (stdout), or a file/directory written under a temporary
 * name and renamed into place only when complete. When the input turns out to be bad part-way,
 * what was converted is kept under a name that says so (`run.partial.parquet`), never under the
 * name of a complete output.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { finished } from 'node:stream/promises';
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

/** A hidden temporary name in the same directory (so the final rename is atomic). */
export function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** A file (or directory) being written under a temporary name. */
export interface PendingOutput {
  readonly final: string;
  readonly tmp: string;
  /** a write stream on tmp, for text formats */
  readonly stream?: NodeJS.WritableStream;
  /** finishes the stream and moves tmp to `to` (default: the final name) */
  commit(to?: string): Promise<void>;
  /** removes tmp */
  discard(): Promise<void>;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** Prepares `final` to be written at a temporary name; `withStream` opens a write stream on it. */
export function pendingOutput(final: string, withStream: boolean): PendingOutput {
  const tmp = tempPath(final);
  const stream = withStream ? createWriteStream(tmp) : undefined;
  const endStream = async () => {
    if (!stream || stream.closed) return;
    stream.end();
    await finished(stream).catch(() => undefined);
  };
  return {
    final,
    tmp,
    ...(stream ? { stream } : {}),
    async commit(to = final) {
      if (stream) {
        stream.end();
        await finished(stream);
      }
      // a directory (partitioned dataset) cannot replace another one by rename
      if ((await stat(tmp)).isDirectory() && (await exists(to))) await rm(to, { recursive: true, force: true });
      await rename(tmp, to);
    },
    async discard() {
      await endStream();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
