/**
 * normalizeOptions: parsed arguments -> RecordOptions, the syscall set of -e included (it
 * needs the syscall table of @vltrace/format, which options.ts does not load).
 */
import { resolveSyscallExpr } from './format.js';
import { UsageError } from './errors.js';
import { checkTargets, recordSettings, type ParsedArgs, type RecordOptions } from './options.js';

/** Checks and normalises parsed arguments; throws UsageError (exit 1) on nonsense. */
export function normalizeOptions(a: ParsedArgs): RecordOptions {
  checkTargets(a); // first, as always: a wrong command line is reported before a wrong -e
  const expr = a.expr ?? 'all';
  let syscalls: Set<number>;
  try {
    syscalls = resolveSyscallExpr(expr);
  } catch (e) {
    throw new UsageError(`-e: ${(e as Error).message}`);
  }
  return { ...recordSettings(a), syscalls };
}
