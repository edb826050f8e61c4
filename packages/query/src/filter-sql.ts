/**
 * The shared filters (--pid, -e) as SQL, once resolved. Apart from filters.ts, which resolves
 * `-e` through @vltrace/format's syscall tables: a report run without `-e` (a summary of a
 * Parquet dataset, say) does not load them.
 */
import { UsageError } from './errors.js';

/** Filters shared by the reports. */
export interface FilterOptions {
  /** only these processes (tgids) */
  pid?: readonly number[];
  /** strace's `-e trace=` syntax: names, %classes, vltrace's kp-* sets */
  expr?: string;
}

/** The filters checked and resolved: pids, and syscall numbers from `-e` (undefined: no filter). */
export interface ResolvedFilters {
  pids?: readonly number[];
  nrs?: ReadonlySet<number>;
}

/** --pid checked (undefined: no filter). */
export function resolvePids(f: FilterOptions): readonly number[] | undefined {
  if (!f.pid || f.pid.length === 0) return undefined;
  for (const p of f.pid) if (!Number.isInteger(p)) throw new UsageError(`--pid: '${p}' is not a process id`);
  return f.pid;
}

/** SQL conditions (joined with AND, or 'true') for resolved filters over the syscalls view. */
export function resolvedFilterSql({ pids, nrs }: ResolvedFilters, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const conds: string[] = [];
  if (pids) conds.push(`${a}pid IN (${pids.join(', ')})`);
  if (nrs) conds.push(nrs.size === 0 ? 'false' : `${a}nr IN (${[...nrs].sort((x, y) => x - y).join(', ')})`);
  return conds.length > 0 ? conds.join(' AND ') : 'true';
}
