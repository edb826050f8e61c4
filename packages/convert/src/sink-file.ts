/**
 * The file a binary sink (arrow, arrows, a single Parquet file) writes: a descriptor it was
 * given, which stays the caller's (convert() creates it beside the output, renames and closes
 * it), or a path, created here safely (@vltrace/format/files: a new file under a temporary
 * name, never through a planted symlink) and renamed into place when the sink is done.
 */
import { createFile } from '@vltrace/format/files';

export interface SinkFile {
  readonly fd: number;
  /** the output is complete: a path is renamed into place and closed */
  done(): void;
  /** the output is abandoned: a path's temporary file is removed */
  abort(): void;
}

/** Files a sink creates from a path get this mode unless SinkOptions.mode says otherwise (umask applies). */
export const DEFAULT_FILE_MODE = 0o666;

export function sinkFile(out: string | number, mode = DEFAULT_FILE_MODE): SinkFile {
  if (typeof out === 'number') return { fd: out, done() {}, abort() {} };
  const f = createFile(out, mode);
  return { fd: f.fd, done: () => f.commit(), abort: () => f.discard() };
}
