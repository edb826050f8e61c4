/**
 * The directory a recording's processes started in, where the header tells it: the recorder
 * runs the traced command in its own working directory, so with a command that is `cwd`.
 * Attached processes (-p) and system-wide recordings started elsewhere: unknown. One rule for
 * the strace printer's -y tracker and for the table metadata (`vltrace.cwd`), so a recording
 * and its Parquet resolve relative paths alike.
 */
import type { TraceMeta } from '@vltrace/format';

/** The Arrow/Parquet schema metadata key holding the start directory (SCHEMA.md). */
export const CWD_META_KEY = 'vltrace.cwd';

/** The traced command's start directory (as the header holds it, UTF-8), or undefined when unknown. */
export function commandCwd(meta: Pick<TraceMeta, 'command' | 'cwd'>): string | undefined {
  return meta.command && meta.command.length > 0 && typeof meta.cwd === 'string' ? meta.cwd : undefined;
}
