/**
 * Errors that reach the user as one sentence and an exit status; only cli.ts turns them into
 * the status (1 usage or output, 2 environment or privileges) and shows a stack only for
 * anything else.
 */

/** A mistake in the command line: exit status 1. */
export class UsageError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** eBPF cannot run here (privileges, BTF, architecture, missing build): exit status 2. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/** The output cannot be written (disk full, I/O error) before recording could begin: exit status 1. */
export class OutputError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}
