/**
 * The process table — one row per process: who forked it, what it exec'd, how it ended, its
 * lifetime and counts — as SQL over the rows of the `syscalls` view, the table every input
 * has (a recording's conversion, a Parquet file, a dataset). The recording's process events
 * are not in that table, so they are not used: a `.bin` and its Parquet give the same answer.
 *
 * - pid: every process with syscall rows; ppid: the process whose fork, vfork, clone or clone3
 *   returned its pid (null when that call was not recorded: the traced command, processes
 *   running when recording began);
 * - comm: the task name at the process's last call (of its main thread when it has one);
 * - execs: the successful execve/execveat calls, the path as passed; exe: the last;
 * - start: the entry of the call that created it, else its first row;
 * - end: its exit_group call, else the SIGCHLD its parent received for it, else its last row;
 * - exit_code: exit_group's argument, else the SIGCHLD's status (CLD_EXITED); exit_signal,
 *   core_dumped: from the SIGCHLD (CLD_KILLED, CLD_DUMPED);
 * - threads: threads other than the main one that made calls;
 * - origin: 'fork' (created while recording), 'exec' (first seen at an exec: the traced
 *   command), 'running' (already running).
 */
import { CLD, SIG } from '@vltrace/convert/strace-call';
import { callRows } from './db.js';

const FORKS = "'fork', 'vfork', 'clone', 'clone3'";
const EXECS = "'execve', 'execveat'";

/** The processes view's query; keyCols: the partition and source columns (`"host", "source", `) or ''. */
export function processesSql(keyCols: string): string {
  const using = `${keyCols}pid`;
  return `
    WITH calls AS (
      SELECT ${keyCols}pid, tid, comm, syscall, status, errno, ret, arg0, str0, str1,
             coalesce(ts_enter, ts_exit) AS ts, ts_enter, ts_exit
      FROM syscalls WHERE ${callRows()}
    ), per AS (
      SELECT ${keyCols}pid, count(*) AS syscalls, count(errno) AS errors,
             min(ts) AS first_ts, max(coalesce(ts_exit, ts_enter)) AS last_ts,
             coalesce(arg_max(comm, ts) FILTER (tid = pid), arg_max(comm, ts)) AS comm,
             count(DISTINCT tid) FILTER (tid <> pid) AS threads,
             arg_min(syscall, ts) AS first_call,
             list(CASE WHEN syscall = 'execve' THEN str0 ELSE str1 END ORDER BY ts)
               FILTER (syscall IN (${EXECS}) AND status = 'complete' AND ret = 0) AS execs
      FROM calls GROUP BY ALL
    ), forks AS (
      SELECT ${keyCols}ret::INTEGER AS pid, arg_max(pid, ts) AS ppid, max(ts) AS start_ts
      FROM calls WHERE syscall IN (${FORKS}) AND status = 'complete' AND ret > 0 GROUP BY ALL
    ), exits AS (
      SELECT ${keyCols}pid, min(ts_enter) AS end_ts, arg_min(arg0 & 255, ts_enter)::INTEGER AS exit_code
      FROM calls WHERE syscall = 'exit_group' GROUP BY ALL
    ), chld AS (
      SELECT ${keyCols.replace(/"([^"]+)"/g, '"$1"')}si_pid AS pid, arg_max(si_code, ts_enter) AS si_code, arg_max(si_status, ts_enter) AS si_status,
             max(ts_enter) AS ts
      FROM syscalls WHERE status IN ('signal', 'ignored-signal') AND signo = ${SIG.CHLD} AND si_pid IS NOT NULL
        AND si_code IN (${CLD.EXITED}, ${CLD.KILLED}, ${CLD.DUMPED})
      GROUP BY ALL
    )
    SELECT ${keyCols.replace(/"([^"]+)"/g, 'per."$1"')}per.pid, forks.ppid, per.comm,
           per.execs[-1] AS exe, coalesce(per.execs, []::VARCHAR[]) AS execs,
           coalesce(forks.start_ts, per.first_ts) AS start_ts,
           coalesce(exits.end_ts, chld.ts, per.last_ts) AS end_ts,
           coalesce(exits.exit_code, CASE WHEN chld.si_code = ${CLD.EXITED} THEN chld.si_status END) AS exit_code,
           CASE WHEN exits.pid IS NULL AND chld.si_code IN (${CLD.KILLED}, ${CLD.DUMPED}) THEN chld.si_status END AS exit_signal,
           exits.pid IS NULL AND chld.si_code IS NOT DISTINCT FROM ${CLD.DUMPED} AS core_dumped,
           per.threads::INTEGER AS threads,
           CASE WHEN forks.pid IS NOT NULL THEN 'fork' WHEN per.first_call IN (${EXECS}) THEN 'exec' ELSE 'running' END AS origin,
           per.syscalls, per.errors,
           (epoch_ns(coalesce(exits.end_ts, chld.ts, per.last_ts)) - epoch_ns(coalesce(forks.start_ts, per.first_ts))) / 1e9 AS lifetime_s
    FROM per LEFT JOIN forks USING (${using}) LEFT JOIN exits USING (${using}) LEFT JOIN chld USING (${using})`;
}
