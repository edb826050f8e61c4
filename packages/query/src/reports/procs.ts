/**
 * `procs`: the process tree — who forked whom, what each exec'd, how it ended — with each
 * process's lifetime and syscall counts, from the `processes` view (processes.ts: what each
 * column means). The tree order (parents
 * before children, siblings by start time) is built here from the rows.
 */
import { signalName as columnSignalName } from '@vltrace/convert/schema';
import { fixed, type Table } from '../output.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';

export type ProcsOptions = Pick<FilterOptions, 'pid'> & SessionOptions;

export interface ProcRow {
  /** hive partition (host=…/date=…) when the inputs have one, else '' */
  part: string;
  pid: number;
  ppid: number | null;
  /** depth in the tree (0 for a root) */
  depth: number;
  comm: string | null;
  exe: string | null;
  execs: string[];
  start: string | null;
  end: string | null;
  lifetimeS: number | null;
  /** exit status when it exited, null if killed or still running */
  exitCode: number | null;
  exitSignal: number | null;
  coreDumped: boolean;
  /** how it ended, readable: `exit 0`, `killed by SIGKILL`, `?` (not in the rows) */
  status: string;
  threads: number;
  syscalls: number;
  errors: number;
  origin: string;
}

/** Name of signal n, as the table's `signal` column names it (SIGRT_2 for real-time signals). */
export function signalName(n: number): string {
  return columnSignalName(n) ?? `signal ${n}`;
}

/** The processes of the inputs in tree order. */
export function procs(input: Session | string | readonly string[], opts: ProcsOptions = {}): Promise<ProcRow[]> {
  return withSession(input, opts, async (s) => {
    const { rows } = await s.query(`
      SELECT ${s.partExpr()} AS part, pid, ppid, comm, exe, execs, ts_text(start_ts) AS start, ts_text(end_ts) AS "end",
             lifetime_s, exit_code, exit_signal, coalesce(core_dumped, false) AS core_dumped, threads, syscalls, errors, origin
      FROM processes ORDER BY part, start_ts NULLS LAST, pid`);
    const all: ProcRow[] = rows.map((r) => {
      const exitCode = r['exit_code'] as number | null;
      const exitSignal = r['exit_signal'] as number | null;
      const core = r['core_dumped'] === true;
      const status =
        exitSignal !== null ? `killed by ${signalName(exitSignal)}${core ? ' (core dumped)' : ''}`
        : exitCode !== null ? `exit ${exitCode}`
        : '?';
      return {
        part: String(r['part'] ?? ''), pid: Number(r['pid']), ppid: r['ppid'] === null ? null : Number(r['ppid']), depth: 0,
        comm: r['comm'] as string | null, exe: r['exe'] as string | null, execs: (r['execs'] as string[] | null) ?? [],
        start: r['start'] as string | null, end: r['end'] as string | null,
        lifetimeS: r['lifetime_s'] === null ? null : Number(r['lifetime_s']),
        exitCode, exitSignal, coreDumped: core, status, threads: Number(r['threads'] ?? 0),
        syscalls: Number(r['syscalls']), errors: Number(r['errors']), origin: String(r['origin']),
      };
    });
    const ordered = treeOrder(all);
    if (!opts.pid || opts.pid.length === 0) return ordered;
    // a pid filter keeps those processes and their descendants
    const keep = new Set<string>();
    for (const p of ordered) {
      if (opts.pid.includes(p.pid) || (p.ppid !== null && keep.has(`${p.part}/${p.ppid}`))) keep.add(`${p.part}/${p.pid}`);
    }
    return ordered.filter((p) => keep.has(`${p.part}/${p.pid}`));
  });
}

/** Parents before children, siblings in start order; each row's depth set. */
function treeOrder(rows: readonly ProcRow[]): ProcRow[] {
  const key = (part: string, pid: number) => `${part}/${pid}`;
  const byKey = new Map(rows.map((r) => [key(r.part, r.pid), r]));
  const children = new Map<string, ProcRow[]>();
  const roots: ProcRow[] = [];
  for (const r of rows) {
    const parent = r.ppid === null ? undefined : byKey.get(key(r.part, r.ppid));
    if (parent && parent !== r) {
      const k = key(parent.part, parent.pid);
      children.set(k, [...(children.get(k) ?? []), r]);
    } else roots.push(r);
  }
  const out: ProcRow[] = [];
  const seen = new Set<ProcRow>();
  const visit = (r: ProcRow, depth: number) => {
    if (seen.has(r)) return; // pid reuse can make loops
    seen.add(r);
    out.push({ ...r, depth });
    for (const c of children.get(key(r.part, r.pid)) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  for (const r of rows) visit(r, 0);
  return out;
}

export function procsTable(rows: readonly ProcRow[]): Table {
  const multi = rows.some((r) => r.part !== '');
  return {
    columns: [
      ...(multi ? [{ key: 'part', title: 'partition' }] : []),
      { key: 'pid', title: 'pid', text: (v, r) => `${'  '.repeat(Number(r['depth']))}${Number(r['depth']) > 0 ? '└─ ' : ''}${String(v)}` },
      { key: 'ppid', title: 'ppid', align: 'right' },
      { key: 'comm', title: 'comm' },
      { key: 'status', title: 'status' },
      { key: 'lifetimeS', title: 'seconds', align: 'right', text: fixed(6) },
      { key: 'syscalls', title: 'syscalls', align: 'right' },
      { key: 'errors', title: 'errors', align: 'right' },
      { key: 'threads', title: 'threads', align: 'right' },
      { key: 'execs', title: 'exec', text: (v, r) => ((v as string[]).length > 0 ? (v as string[]).join(' → ') : String(r['exe'] ?? '')) },
    ],
    rows: rows as unknown as Table['rows'],
    dataKeys: [...(multi ? ['part'] : []), 'pid', 'ppid', 'depth', 'comm', 'exe', 'execs', 'start', 'end', 'lifetimeS', 'exitCode', 'exitSignal', 'coreDumped', 'status', 'threads', 'syscalls', 'errors', 'origin'],
  };
}
