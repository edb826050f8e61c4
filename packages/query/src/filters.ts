/**
 * The shared filters resolved: `-e` through @vltrace/format's syscall tables (see filter-sql.ts
 * for the part that needs no tables).
 */
import { resolveSyscallExpr } from '@vltrace/format';
import { UsageError } from './errors.js';
import { resolvedFilterSql, resolvePids, type FilterOptions, type ResolvedFilters } from './filter-sql.js';

export type { FilterOptions, ResolvedFilters } from './filter-sql.js';

/** The shared filters checked and resolved: pids, and syscall numbers from `-e` (undefined: no filter). */
export function resolveFilters(f: FilterOptions): ResolvedFilters {
  const out: { pids?: readonly number[]; nrs?: ReadonlySet<number> } = {};
  const pids = resolvePids(f);
  if (pids) out.pids = pids;
  if (f.expr) {
    try {
      out.nrs = resolveSyscallExpr(f.expr);
    } catch (e) {
      throw new UsageError(`-e ${f.expr}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/** SQL conditions (joined with AND, or 'true') for the shared filters over the syscalls view. */
export function filterSql(f: FilterOptions, alias = ''): string {
  return resolvedFilterSql(resolveFilters(f), alias);
}
