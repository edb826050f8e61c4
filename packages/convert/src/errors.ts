/**
 * Error kinds the CLI maps to exit codes: a UsageError (bad options: exit 1), everything about
 * bad input (FormatError, InputError, ConvertError: exit 2) and an output that cannot be written
 * (OutputPathError from @vltrace/format/files: exit 2). Anything else is a bug.
 */

/** A mistake in the options (an unknown syscall name, a bad time): exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input the system would not let us read (permissions, a directory, an I/O error): exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    /** the system's error code (EACCES, EISDIR, EIO…), or EFTYPE: a file of another kind */
    readonly code: string,
    message = `cannot read '${file}': ${REASONS[code] ?? code}`,
  ) {
    super(message);
  }
}

/** What the usual system error codes of reading a file mean, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EISDIR: 'it is a directory',
  EIO: 'input/output error (EIO)',
  ELOOP: 'too many symbolic links (ELOOP)',
  ENAMETOOLONG: 'file name too long',
  ENOTDIR: 'a component of the path is not a directory',
};

/**
 * A system error of reading `file` (an errno-carrying error from node:fs) as an InputError;
 * anything else unchanged.
 */
export function inputError(file: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string' ? new InputError(file, code) : e;
}

/**
 * The input was bad part-way: `partial` holds what was converted before it (if anything), or
 * `streamed` says those rows went to the output stream.
 */
export class ConvertError extends Error {
  override readonly name = 'ConvertError';
  constructor(
    override readonly cause: Error,
    /** where the rows converted before the error are, undefined if none were kept */
    readonly partial: string | undefined,
    readonly rows: number,
    /** the output was a stream (stdout): the rows before the error were written to it */
    readonly streamed = false,
  ) {
    super(cause.message);
  }
}

/** Exit codes of vltrace-convert. */
export const EXIT = { OK: 0, USAGE: 1, BAD_INPUT: 2, CANNOT_WRITE: 2 } as const;
