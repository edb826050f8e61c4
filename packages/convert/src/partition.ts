/**
 * Hive-style partitioning of rows for a Parquet dataset: each row gets a directory path
 * `key=value/…` from the partition keys, and a batch is split into one batch per path.
 * Values are escaped as Hive does (`%XX` for `/`, `=`, `%` and control characters); a null
 * value (pid of a lost row) is written `NULL`, which DuckDB reads back as NULL.
 */
import { SyscallStatus } from '@vltrace/format';
import { halves, type WallClock } from './int64.js';
import { ROW_STATUS_NAMES, RowStatus, type Rows } from './schema.js';
import { selectRows } from './select.js';
import type { PartitionKey } from './sink.js';

const hiveEscape = (v: string) => v.replace(/[\x00-\x1f/=%:"'\\#*?[\]^{}\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** Splits b by the partition keys: [relative directory, rows] per distinct value. */
export function partitionRows(b: Rows, keys: readonly PartitionKey[], wall: WallClock, names: (nr: number) => string): [string, Rows][] {
  const n = b.length;
  const tsE = halves(b.tsEnter);
  const tsX = halves(b.tsExit);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const lost = b.status[i] === RowStatus.LOST;
    // lost and signal rows have no syscall
    const event = b.status[i]! >= RowStatus.LOST;
    let dir = '';
    for (const key of keys) {
      let v: string;
      switch (key) {
        case 'pid':
          v = lost ? 'NULL' : String(b.pid[i]);
          break;
        case 'syscall':
          v = event ? 'NULL' : hiveEscape(names(b.nr[i]!));
          break;
        case 'comm':
          v = b.comm[i]! < 0 ? 'NULL' : hiveEscape(b.comms[b.comm[i]!]!);
          break;
        case 'status':
          v = ROW_STATUS_NAMES[b.status[i]!]!;
          break;
        case 'date':
        case 'hour': {
          const noEntry = b.status[i] === SyscallStatus.NO_ENTRY;
          const sec = wall.secondsAt(noEntry ? tsX : tsE, noEntry ? b.tsExit : b.tsEnter, i);
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
