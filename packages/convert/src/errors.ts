/**
 * Error kinds the CLI maps to exit codes: a UsageError (bad options: exit 1), everything the
 * format reports about bad input (FormatError, ConvertError: exit 2) and an output that cannot
 * be written (OutputPathError from @vltrace/format/files: exit 2). Anything else is a bug.
 */

/** A mistake in the options (an unknown syscall name, a bad time): exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of vltrace-convert. */
export const EXIT = { OK: 0, USAGE: 1, BAD_INPUT: 2, CANNOT_WRITE: 2 } as const;
