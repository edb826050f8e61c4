/**
 * Comparing `strace -f -o` outputs line by line per thread: strace's own and the strace sink's
 * of a recording of the same run (`vltrace-record -f -- strace -f -o y.txt -- prog`, so both
 * see the very same calls, addresses and pids). Lines of each thread are paired in order (a
 * longest common subsequence by call name), and every line that is not identical is put in a
 * category that says why: a pointer where strace prints the struct behind it, a buffer's
 * contents, execve's argv, a signal or exit line, a call split differently into
 * `<unfinished ...>` and `<... resumed>`. The same pass compares the calls each thread made by
 * name and result only (what a recorder must get right whatever the printer decodes). The
 * repository's end-to-end tests against real strace use it (test/strace-real.test.ts,
 * test/record-strace.test.ts).
 */

/** What a line of strace -f output is. */
export type LineKind = 'call' | 'unfinished' | 'resumed' | 'signal' | 'exit' | 'other';

/** One line of strace -f output. */
export interface StraceLine {
  readonly tid: number;
  readonly kind: LineKind;
  /** the syscall's name (call, unfinished, resumed), the signal's (signal), else '' */
  readonly name: string;
  /** arguments as printed (call, unfinished: the entry half's; resumed: the exit half's) */
  readonly args: readonly string[];
  /** what follows `= ` (call, resumed), else '' */
  readonly result: string;
  /** the line without its pid prefix */
  readonly text: string;
}

/** A call with its halves joined (`read(3,  <unfinished ...>` + `<... read resumed>"…", 9) = 9`). */
export interface JoinedCall {
  readonly name: string;
  readonly args: readonly string[];
  /** '' when the call never returned in the output */
  readonly result: string;
}

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';

/** The lines of `strace -f -o` output (or the sink's), by thread, in order. */
export function parseStraceLines(text: string): Map<number, StraceLine[]> {
  const byTid = new Map<number, StraceLine[]>();
  for (const raw of text.split('\n')) {
    const m = /^(\d+) +(.*)$/.exec(raw);
    if (!m) continue;
    const tid = Number(m[1]);
    const line = parseBody(tid, m[2]!);
    let list = byTid.get(tid);
    if (!list) byTid.set(tid, (list = []));
    list.push(line);
  }
  return byTid;
}

function parseBody(tid: number, body: string): StraceLine {
  const line = (kind: LineKind, name = '', args: readonly string[] = [], result = ''): StraceLine => ({ tid, kind, name, args, result, text: body });
  if (body.startsWith('---')) return line('signal', /^--- (\S+)/.exec(body)?.[1] ?? '');
  if (body.startsWith('+++')) return line('exit');
  const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
  if (resumed) {
    // `<... read resumed>"…", 832) = 832`: the rest of the arguments, then the result
    const rest = resumed[2]!;
    const close = closingParen(rest, 0);
    if (close < 0) return line('resumed', resumed[1], [], '');
    // clone's exit half starts with the comma
    return line('resumed', resumed[1], splitArgs(rest.slice(0, close).replace(/^, /, '')), resultOf(rest.slice(close + 1)));
  }
  const call = /^(\w+)\(/.exec(body);
  if (!call) return line('other');
  const from = call[0].length;
  for (const mark of [UNFINISHED, DETACHED]) {
    // the entry half ends with the comma before the exit half (`read(3,  <unfinished ...>`)
    if (body.endsWith(mark)) return line('unfinished', call[1], splitArgs(body.slice(from, -mark.length).replace(/, ?$/, '')), '');
  }
  const close = closingParen(body, from);
  if (close < 0) return line('other', call[1]);
  return line('call', call[1], splitArgs(body.slice(from, close)), resultOf(body.slice(close + 1)));
}

/** `   = 3 (…)` → `3 (…)`. */
function resultOf(s: string): string {
  const m = /^ *= ?(.*)$/.exec(s);
  return m ? m[1]! : s.trim();
}

/** Index of the `)` closing the argument list that starts at `from` (quotes and brackets respected), or -1. */
function closingParen(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Splits an argument list at top-level commas (quotes, brackets, braces, parens and comments respected). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last !== '' || out.length) out.push(last);
  return out;
}

/** The calls of one thread's lines, halves joined; signal, exit and other lines left out. */
export function joinCalls(lines: readonly StraceLine[]): JoinedCall[] {
  const out: JoinedCall[] = [];
  let open: { name: string; args: readonly string[]; at: number } | undefined;
  for (const l of lines) {
    if (l.kind === 'call') out.push({ name: l.name, args: l.args, result: l.result });
    else if (l.kind === 'unfinished') {
      open = { name: l.name, args: l.args, at: out.length };
      out.push({ name: l.name, args: l.args, result: '' });
    } else if (l.kind === 'resumed') {
      if (open && open.name === l.name) out[open.at] = { name: l.name, args: [...open.args, ...l.args], result: l.result };
      else out.push({ name: l.name, args: l.args, result: l.result });
      open = undefined;
    }
  }
  return out;
}

/** Why two lines differ, or why a line has no partner. */
export const DIFF_CATEGORIES = [
  'pointer vs struct', 'buffer', 'argv', 'fd path (-y)', 'signal line', 'exit line', 'unfinished/resumed', 'result', 'missing line', 'extra line',
  'other',
] as const;
export type DiffCategory = (typeof DIFF_CATEGORIES)[number];

/** A line that is not identical: strace's and ours (either missing when it has no partner). */
export interface LineDiff {
  readonly category: DiffCategory;
  readonly tid: number;
  readonly strace?: string;
  readonly ours?: string;
}

/** What a comparison found. */
export interface StraceComparison {
  /** threads compared */
  readonly threads: number;
  readonly straceLines: number;
  readonly oursLines: number;
  /** lines identical in both */
  readonly identical: number;
  /** lines of the union (paired lines once, unpaired ones of each side) */
  readonly total: number;
  /** identical / total */
  readonly share: number;
  /**
   * the same share once split calls are joined into one line each (and `= ` unaligned): how
   * alike the calls are, whatever strace's timing made it split
   */
  readonly joinedShare: number;
  /** differences by category (pairs count once) */
  readonly byCategory: Readonly<Record<DiffCategory, number>>;
  readonly diffs: readonly LineDiff[];
  /** calls compared by name and result (halves of split calls joined) */
  readonly calls: number;
  /**
   * the first call of each thread whose name or result differs (a result compared up to what
   * strace adds in parentheses), and each thread strace did not show
   */
  readonly callDiffs: readonly string[];
}

export interface CompareOptions {
  /**
   * the traced command's first process: its lines before its first execve are left out of
   * ours (strace starts showing it at the execve of the command; the recorder sees the
   * tracer's child from its fork)
   */
  readonly root?: number;
}

/** Compares strace's output with ours (the same run), line by line and call by call per thread. */
export function compareStrace(straceText: string, oursText: string, opts: CompareOptions = {}): StraceComparison {
  const S = parseStraceLines(straceText);
  const V = withoutPreExec(parseStraceLines(oursText), opts.root);
  const byCategory = Object.fromEntries(DIFF_CATEGORIES.map((c) => [c, 0])) as Record<DiffCategory, number>;
  const diffs: LineDiff[] = [];
  let straceLines = 0;
  let oursLines = 0;
  let identical = 0;
  let total = 0;
  const tids = [...new Set([...S.keys(), ...V.keys()])].sort((a, b) => a - b);
  const note = (d: LineDiff) => {
    byCategory[d.category]++;
    diffs.push(d);
  };
  for (const tid of tids) {
    const a = S.get(tid) ?? [];
    const b = V.get(tid) ?? [];
    straceLines += a.length;
    oursLines += b.length;
    const pairs = align(a, b);
    total += a.length + b.length - pairs.length;
    let i = 0;
    let j = 0;
    for (const [pi, pj] of [...pairs, [a.length, b.length] as const]) {
      for (; i < pi; i++) note({ category: unpaired(a[i]!, 'missing line'), tid, strace: a[i]!.text });
      for (; j < pj; j++) note({ category: unpaired(b[j]!, 'extra line'), tid, ours: b[j]!.text });
      if (pi === a.length) break;
      const s = a[i++]!;
      const v = b[j++]!;
      if (s.text === v.text) identical++;
      else note({ category: categoryOf(s, v), tid, strace: s.text, ours: v.text });
    }
  }
  const joined = joinedIdentity(S, V);
  const byCall = compareCalls(S, V);
  return {
    threads: tids.length, straceLines, oursLines, identical, total, share: total ? identical / total : 1,
    joinedShare: joined.total ? joined.identical / joined.total : 1, byCategory, diffs, calls: byCall.calls, callDiffs: byCall.diffs,
  };
}

/** Lines with split calls joined (`read(3,  <unfinished ...>` + `<... read resumed>"…", 9) = 9`), results unaligned. */
function joinedLines(lines: readonly StraceLine[]): StraceLine[] {
  const out: StraceLine[] = [];
  const unalign = (t: string) => t.replace(/\) +=( |$)/, ') =$1');
  let open = -1;
  for (const l of lines) {
    if (l.kind === 'unfinished') {
      open = out.length;
      out.push({ ...l, kind: 'call', text: l.text.replace(/ <(unfinished|detached) \.\.\.>$/, '') });
    } else if (l.kind === 'resumed' && open >= 0 && out[open]!.name === l.name) {
      const head = out[open]!;
      const rest = l.text.slice(`<... ${l.name} resumed>`.length);
      out[open] = { ...head, text: unalign(head.text + rest), args: [...head.args, ...l.args], result: l.result };
      open = -1;
    } else {
      out.push({ ...l, text: unalign(l.text) });
    }
  }
  return out;
}

function joinedIdentity(S: Map<number, StraceLine[]>, V: Map<number, StraceLine[]>): { identical: number; total: number } {
  let identical = 0;
  let total = 0;
  for (const tid of new Set([...S.keys(), ...V.keys()])) {
    const a = joinedLines(S.get(tid) ?? []);
    const b = joinedLines(V.get(tid) ?? []);
    const pairs = align(a, b);
    total += a.length + b.length - pairs.length;
    for (const [i, j] of pairs) if (a[i]!.text === b[j]!.text) identical++;
  }
  return { identical, total };
}

/**
 * The calls each thread made (halves joined), by name and result only. A result is compared up
 * to what strace adds in parentheses (`-1 ENOENT`, `1` of `1 ([{fd=3, revents=POLLIN}])`).
 */
function compareCalls(S: Map<number, StraceLine[]>, V: Map<number, StraceLine[]>): { calls: number; diffs: string[] } {
  const diffs: string[] = [];
  let calls = 0;
  const short = (r: string) => r.split(' (')[0]!;
  for (const [tid, lines] of S) {
    const a = joinCalls(lines);
    const b = joinCalls(V.get(tid) ?? []);
    calls += Math.max(a.length, b.length);
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      const x = a[k];
      const y = b[k];
      if (x && y && x.name === y.name && short(x.result) === short(y.result)) continue;
      const show = (c: JoinedCall | undefined) => (c ? `${c.name} = ${c.result || '(no result)'}` : '(none)');
      diffs.push(`thread ${tid} call ${k}: strace ${show(x)}, vltrace ${show(y)}`);
      break;
    }
  }
  for (const tid of V.keys()) if (!S.has(tid)) diffs.push(`thread ${tid}: not in strace's output`);
  return { calls, diffs };
}

/** The lines of `root` from its first execve on (see CompareOptions.root); V is changed. */
export function withoutPreExec(V: Map<number, StraceLine[]>, root: number | undefined): Map<number, StraceLine[]> {
  if (root === undefined) return V;
  const mine = V.get(root);
  const exec = mine?.findIndex((l) => l.name === 'execve' || l.name === 'execveat') ?? -1;
  if (mine && exec > 0) V.set(root, mine.slice(exec));
  return V;
}

/**
 * Pairing key: a call and the first half of a split call by name (one is the other printed
 * whole), resumed halves by name, signals by name, exits together.
 */
function key(l: StraceLine): string {
  switch (l.kind) {
    case 'call': case 'unfinished': return 'c' + l.name;
    case 'resumed': return 'r' + l.name;
    case 'signal': return 's' + l.name;
    case 'exit': return 'e';
    case 'other': return 'o' + l.text;
  }
}

/** How far ahead pairing looks for a line's partner before it gives the line up as unpaired. */
const LOOKAHEAD = 64;

/**
 * Pairs two lists of lines in order: lines pair only with lines of the same key. Both lists are
 * outputs of one run, so they hold the same calls in the same order and differ by a few lines
 * (a call split on one side and whole on the other, a signal line one side lacks): a line
 * without a partner here is skipped for the nearest pair ahead, within LOOKAHEAD lines.
 * A whole call pairs with the first half of its split form; the other half stays unpaired.
 */
function align(a: readonly StraceLine[], b: readonly StraceLine[]): [number, number][] {
  const ka = a.map(key);
  const kb = b.map(key);
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (ka[i] === kb[j]) {
      pairs.push([i++, j++]);
      continue;
    }
    // the nearest resynchronisation: skip d lines of one side
    let skipA = -1;
    let skipB = -1;
    for (let d = 1; d <= LOOKAHEAD && skipA < 0 && skipB < 0; d++) {
      if (i + d < a.length && ka[i + d] === kb[j]) skipA = d;
      else if (j + d < b.length && ka[i] === kb[j + d]) skipB = d;
    }
    if (skipA > 0) i += skipA;
    else if (skipB > 0) j += skipB;
    else {
      i++;
      j++;
    }
  }
  return pairs;
}

function unpaired(l: StraceLine, dflt: DiffCategory): DiffCategory {
  switch (l.kind) {
    case 'signal': return 'signal line';
    case 'exit': return 'exit line';
    case 'unfinished': case 'resumed': return 'unfinished/resumed';
    default: return dflt;
  }
}

const ARGV_AT: Readonly<Record<string, readonly number[]>> = { execve: [1, 2], execveat: [2, 3] };
/** strace printed what the pointer points to: a struct, an array, a set, a bit mask in brackets, what changed (` => {…}`) */
const STRUCT = /^(\{|\[|~\[|=>|NULL =>|0x[0-9a-f]+ =>)/;
/** a descriptor with its -y path: `3</etc/passwd>`, `AT_FDCWD</tmp>`, `5<socket:[1234]>` */
const FD_PATH = /^(-?\d+|AT_FDCWD)<.*>$/;
const ADDRESS = /^(0x[0-9a-f]+|NULL)$/;

function categoryOf(s: StraceLine, v: StraceLine): DiffCategory {
  if (s.kind === 'signal' || v.kind === 'signal') return 'signal line';
  if (s.kind === 'exit' || v.kind === 'exit') return 'exit line';
  if (s.kind !== v.kind) return 'unfinished/resumed';
  if (s.kind === 'other') return 'other';
  if (s.args.length !== v.args.length) {
    // one side printed more of a split call in its entry half
    if (s.kind !== 'call') return 'unfinished/resumed';
    return argCategory(s, s.args.find((x, k) => x !== v.args[k]) ?? '', '', -1);
  }
  for (let k = 0; k < s.args.length; k++) {
    if (s.args[k] !== v.args[k]) return argCategory(s, s.args[k]!, v.args[k]!, k);
  }
  // same arguments: the result (strace adds what it read from memory: `1 ([{fd=3, revents=POLLIN}])`)
  if (s.result.startsWith(v.result + ' (') && !v.result.includes('(')) return 'pointer vs struct';
  if (FD_PATH.test(s.result) && FD_PATH.test(v.result)) return 'fd path (-y)';
  return 'result';
}

function argCategory(s: StraceLine, sa: string, va: string, k: number): DiffCategory {
  if (ARGV_AT[s.name]?.includes(k)) return 'argv';
  if (/\/\* \d+ (vars|entries) \*\/$/.test(sa)) return 'argv';
  if (FD_PATH.test(sa) || FD_PATH.test(va)) return 'fd path (-y)';
  if (sa.startsWith('"') || va.startsWith('"')) return 'buffer';
  if (STRUCT.test(sa) && (ADDRESS.test(va) || STRUCT.test(va))) return 'pointer vs struct';
  if (STRUCT.test(sa) || STRUCT.test(va)) return 'pointer vs struct';
  return 'other';
}
