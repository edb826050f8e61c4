/**
 * The errors vltrace-query tells apart. Commands throw them with one clear sentence; only
 * cli.ts turns them into an exit code (and prints a stack trace only for anything else: a bug).
 */

/** Exit codes of vltrace-query. */
export const EXIT = {
  OK: 0,
  /** a mistake in the command: unknown report or option, bad SQL */
  USAGE: 1,
  /** an input that is missing, unreadable or not a recording/Parquet file */
  BAD_INPUT: 2,
} as const;

/** A user mistake: reported as one sentence, no stack trace. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line or the SQL is wrong (exit 1). */
export class UsageError extends QueryError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** An input file is missing or not what it should be (exit 2). */
export class InputError extends QueryError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`, EXIT.BAD_INPUT);
  }
}

/** DuckDB's own message for a failed statement, without our wrapping. */
export function duckMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
