/**
 * Compares a vltrace log with `strace -f -o file` of the same program: per thread, the
 * sequence of syscall names and results. Threads are matched through their creation (the
 * k-th clone/fork/vfork of a thread), as pids differ between the two runs.
 *
 * Legitimate differences, left out on purpose:
 * - a child's return from fork/vfork/clone/clone3 (ret 0): strace does not show it as a call;
 *   vltrace has its exit packet without an entry (a "no-entry" row);
 * - futex: pthread_join waits on a futex only if the thread is still running, which depends on
 *   scheduling (and strace slows every thread down), so the calls differ from run to run;
 * - values that differ by nature between two runs: addresses (ASLR), pids and tids.
 */
import { readFileSync } from 'node:fs';
import type { Log } from './helpers.js';

interface Call {
  name: string;
  /** decimal result, or undefined for `?`/unfinished */
  ret: string | undefined;
}

const CREATES = new Set(['clone', 'clone3', 'fork', 'vfork']);
const PID_VALUED = new Set([...CREATES, 'wait4', 'waitid', 'set_tid_address', 'getpid', 'gettid', 'getppid']);
const SKIP = new Set(['futex']);

/** Calls per tid from strace -f output, `<unfinished ...>`/`resumed` pairs joined. */
function parseStrace(text: string): Map<number, Call[]> {
  const byTid = new Map<number, Call[]>();
  const open = new Map<number, Call>();
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const tid = Number(m[1]);
    const rest = m[2]!;
    if (rest.startsWith('---') || rest.startsWith('+++')) continue;
    const list = byTid.get(tid) ?? byTid.set(tid, []).get(tid)!;
    const ret = /\)\s+= (\?|-?\d+|0x[0-9a-f]+)(?: (E[A-Z0-9]+))?/.exec(rest);
    const value = ret ? (ret[2] ? ret[2] : ret[1]) : undefined;
    const resumed = /^<\.\.\. (\w+) resumed>/.exec(rest);
    if (resumed) {
      const c = open.get(tid);
      if (c) c.ret = value;
      open.delete(tid);
      continue;
    }
    const name = /^(\w+)\(/.exec(rest)?.[1];
    if (!name) continue;
    const call: Call = { name, ret: value };
    list.push(call);
    if (rest.endsWith('<unfinished ...>')) open.set(tid, call);
  }
  return byTid;
}

/** The same shape from a vltrace log: results as strace prints them (errno names, hex). */
function fromLog(log: Log): Map<number, Call[]> {
  const byTid = new Map<number, Call[]>();
  for (const s of log.syscalls) {
    if (s.status === 'no-entry') continue;
    const list = byTid.get(s.tid) ?? byTid.set(s.tid, []).get(s.tid)!;
    const ret = s.ret === undefined ? undefined : s.errnoName ?? (s.ret > 0xffffn ? `0x${s.ret.toString(16)}` : String(s.ret));
    list.push({ name: s.name, ret });
  }
  return byTid;
}

/** Threads labelled by creation: the root is '0', the k-th child of L is 'L.k'. */
function label(byTid: Map<number, Call[]>, root: number): Map<string, Call[]> {
  const out = new Map<string, Call[]>();
  const walk = (tid: number, name: string) => {
    const calls = byTid.get(tid) ?? [];
    out.set(name, calls);
    let k = 0;
    for (const c of calls) {
      if (CREATES.has(c.name) && c.ret !== undefined && /^\d+$/.test(c.ret) && Number(c.ret) > 0) {
        walk(Number(c.ret), `${name}.${k++}`);
      }
    }
  };
  walk(root, '0');
  return out;
}

function same(a: Call, b: Call): boolean {
  if (a.name !== b.name) return false;
  if (SKIP.has(a.name) || a.ret === undefined || b.ret === undefined || a.ret === '?' || b.ret === '?') return true;
  if (a.ret.startsWith('0x') || b.ret.startsWith('0x')) return !/^E/.test(a.ret) && !/^E/.test(b.ret);
  if (PID_VALUED.has(a.name)) return (Number(a.ret) > 0) === (Number(b.ret) > 0);
  return a.ret === b.ret;
}

/** Differences between the log and strace's, per labelled thread (empty when they agree),
 * and how much was compared. */
export function compareWithStrace(log: Log, straceFile: string): { diffs: string[]; threads: number; calls: number } {
  const theirs = parseStrace(readFileSync(straceFile, 'utf8'));
  const ours = fromLog(log);
  const rootOf = (m: Map<number, Call[]>) => [...m.keys()][0]!;
  const a = label(ours, rootOf(ours));
  const b = label(theirs, rootOf(theirs));
  const diffs: string[] = [];
  let compared = 0;
  if ([...a.keys()].join() !== [...b.keys()].join()) diffs.push(`threads: vltrace ${[...a.keys()]} strace ${[...b.keys()]}`);
  for (const [name, calls] of b) {
    const mine = (a.get(name) ?? []).filter((c) => !SKIP.has(c.name));
    const ref = calls.filter((c) => !SKIP.has(c.name));
    const n = Math.max(mine.length, ref.length);
    compared += n;
    for (let i = 0; i < n; i++) {
      const x = mine[i];
      const y = ref[i];
      if (!x || !y || !same(x, y)) {
        diffs.push(`thread ${name} call ${i}: vltrace ${x ? `${x.name} = ${x.ret}` : '(none)'}, strace ${y ? `${y.name} = ${y.ret}` : '(none)'}`);
        break; // the first difference of a thread says it all
      }
    }
  }
  return { diffs, threads: b.size, calls: compared };
}
