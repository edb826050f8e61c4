/**
 * `lost`: where records are missing and how many — packets the recorder could not deliver
 * (lost rows: CPU, time range, count), syscalls without an exit or an entry, strings cut at
 * the capture limit or unreadable, and what the reader of a `.bin` noticed (truncated tail, no
 * trailer, the trailer's totals).
 */
import type { Table } from '../output.js';
import { withSession, type FilterOptions, type Session, type SessionOptions } from '../session.js';
import { filterSql } from '../filters.js';

export type LostOptions = FilterOptions & SessionOptions;

export interface LostRow {
  /** lost-packets, unfinished, no-entry, truncated-string, string-read-error, recording */
  kind: string;
  /** the CPU, syscall or file concerned */
  where: string;
  count: number | bigint;
  first: string | null;
  last: string | null;
  note: string;
}

const UNFINISHED_NOTES: Record<string, string> = {
  exit_group: 'normal: exit_group does not return',
  exit: 'normal: exit does not return',
  execve: 'the exec failed after the point of no return, or the process died',
  rt_sigreturn: 'normal when the signal handler jumps elsewhere',
};
const NO_ENTRY_NOTES: Record<string, string> = {
  clone: "normal: the child's return from clone",
  clone3: "normal: the child's return from clone3",
  fork: "normal: the child's return from fork",
  vfork: "normal: the child's return from vfork",
  rt_sigreturn: 'its entry was in a signal frame',
};

/** Every kind of missing record, as rows. */
export function lost(input: Session | string | readonly string[], opts: LostOptions = {}): Promise<LostRow[]> {
  return withSession(input, opts, async (s) => {
    const where = filterSql(opts);
    const out: LostRow[] = [];
    const packets = await s.query(`
      SELECT cpu, lost, ts_text(ts_enter) AS first, ts_text(ts_exit) AS last FROM syscalls
      WHERE status = 'lost' ORDER BY ts_enter, cpu`);
    for (const r of packets.rows) {
      out.push({
        kind: 'lost-packets', where: `cpu ${String(r['cpu'])}`, count: r['lost'] as number, first: r['first'] as string, last: r['last'] as string,
        note: 'the recorder could not write these packets (ring buffer full): syscalls in this time range are missing',
      });
    }
    const byStatus = await s.query(`
      SELECT status, syscall, count(*) AS n, count(DISTINCT pid) AS pids,
             ts_text(min(coalesce(ts_enter, ts_exit))) AS first, ts_text(max(coalesce(ts_enter, ts_exit))) AS last
      FROM syscalls WHERE status IN ('unfinished', 'no-entry') AND ${where}
      GROUP BY ALL ORDER BY status DESC, n DESC, syscall`);
    for (const r of byStatus.rows) {
      const st = String(r['status']);
      const sc = String(r['syscall']);
      const note = (st === 'unfinished' ? UNFINISHED_NOTES : NO_ENTRY_NOTES)[sc]
        ?? (st === 'unfinished' ? 'no exit: the process was killed or exited in it, or the recording stopped' : 'no entry: it began before recording started, or its entry was lost');
      out.push({ kind: st, where: sc, count: r['n'] as number, first: r['first'] as string, last: r['last'] as string, note: `${note} (${String(r['pids'])} process${r['pids'] === 1 ? '' : 'es'})` });
    }
    // str_flags: nibble a of string argument a; 0x1 truncated, 0x2 read error
    const strs = await s.query(`
      SELECT syscall, count(*) FILTER ((str_flags & 1118481) <> 0) AS truncated, count(*) FILTER ((str_flags & 2236962) <> 0) AS read_errors
      FROM syscalls WHERE str_flags IS NOT NULL AND str_flags <> 0 AND ${where}
      GROUP BY syscall ORDER BY syscall`);
    for (const r of strs.rows) {
      if (Number(r['truncated']) > 0) out.push({ kind: 'truncated-string', where: String(r['syscall']), count: r['truncated'] as number, first: null, last: null, note: 'string argument cut at the capture limit (-s)' });
      if (Number(r['read_errors']) > 0) out.push({ kind: 'string-read-error', where: String(r['syscall']), count: r['read_errors'] as number, first: null, last: null, note: 'reading the string from the process failed (page not resident?)' });
    }
    for (const rec of s.inputs.recordings) {
      for (const w of rec.warnings) out.push({ kind: 'recording', where: rec.file, count: 1, first: null, last: null, note: `offset ${w.offset}: ${w.message}` });
      if (rec.trailer) {
        const lostTotal = BigInt(rec.trailer.lost);
        out.push({
          kind: 'recording', where: rec.file, count: lostTotal, first: null, last: null,
          note: `trailer: ${rec.trailer.events} events, ${rec.trailer.written} written, ${rec.trailer.lost} lost${rec.trailer.interrupted ? ' (interrupted)' : ''}`,
        });
      }
      for (const [k, label] of [['orphanContinuations', 'string continuation packets without their entry (dropped)'], ['unknownPackets', 'packets of a kind this reader does not know (skipped)']] as const) {
        const n = Number(rec.stats[k] ?? 0);
        if (n > 0) out.push({ kind: 'recording', where: rec.file, count: n, first: null, last: null, note: label });
      }
    }
    return out;
  });
}

export function lostTable(rows: readonly LostRow[]): Table {
  return {
    columns: [
      { key: 'kind', title: 'kind' },
      { key: 'where', title: 'where' },
      { key: 'count', title: 'count', align: 'right' },
      { key: 'first', title: 'first' },
      { key: 'last', title: 'last' },
      { key: 'note', title: 'note' },
    ],
    rows: rows as unknown as Table['rows'],
  };
}
