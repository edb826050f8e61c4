/**
 * Hive-style partitioning of rows for a Parquet dataset: each row gets a directory path
 * `key=value/…` from the partition keys, and a batch is split into one batch per path.
 * Values are escaped as Hive does (`%XX` for `/`, `=`, `%` and control characters); a null
 * value (pid of a lost row) is written `NULL`, which DuckDB reads back as NULL.
 */
import { halves, type WallClock } from './int64.js';
import { inSet, ROW_STATUS_NAMES, rowsOf, type Rows } from './schema.js';
import { selectRows } from './select.js';
import type { PartitionKey } from './sink.js';

const hiveEscape = (v: string) => v.replace(/[\x00-\x1f/=%:"'\\#*?[\]^{}\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
// the null rules (schema.ts) of the columns that are keys; date and hour: of ts_enter, else ts_exit
const PID = rowsOf('pid');
const SYSCALL = rowsOf('syscall');
const TS_ENTER = rowsOf('ts_enter');
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** Splits b by the partition keys: [relative directory, rows] per distinct value. */
export function partitionRows(b: Rows, keys: readonly PartitionKey[], wall: WallClock, names: (nr: number) => string): [string, Rows][] {
  const n = b.length;
  const tsE = halves(b.tsEnter);
  const tsX = halves(b.tsExit);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const st = b.status[i]!;
    let dir = '';
    for (const key of keys) {
      let v: string;
      switch (key) {
        case 'pid':
          v = inSet(PID, st) ? String(b.pid[i]) : 'NULL';
          break;
        case 'syscall':
          v = inSet(SYSCALL, st) ? hiveEscape(names(b.nr[i]!)) : 'NULL';
          break;
        case 'comm':
          v = b.comm[i]! < 0 ? 'NULL' : hiveEscape(b.comms[b.comm[i]!]!);
          break;
        case 'status':
          v = ROW_STATUS_NAMES[st]!;
          break;
        case 'date':
        case 'hour': {
          const entry = inSet(TS_ENTER, st);
          const sec = wall.secondsAt(entry ? tsE : tsX, entry ? b.tsEnter : b.tsExit, i);
          const d = new Date(sec * 1000);
          v = key === 'date' ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` : String(d.getUTCHours());
          break;
        }
      }
      dir += (dir ? '/' : '') + key + '=' + v;
    }
    let g = groups.get(dir);
    if (!g) groups.set(dir, (g = []));
    g.push(i);
  }
  if (groups.size === 1) return [[groups.keys().next().value!, b]];
  return [...groups].map(([dir, idx]) => [dir, selectRows(b, Int32Array.from(idx), idx.length)]);
}
