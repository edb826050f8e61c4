// Parsing and comparing strace output, for the comparison with real strace (strace-real.test.ts).

/** One call as a line shows it. */
export interface Line {
  readonly pid: number;
  readonly name: string;
  readonly args: readonly string[];
  readonly result: string;
  readonly text: string;
}

/**
 * The calls of a `strace -f -o` file (or of the sink's output), per pid in order. strace's
 * `<unfinished ...>` / `<... resumed>` halves are joined; `+++` and `---` lines are skipped.
 */
export function parseStrace(text: string): Map<number, Line[]> {
  const byPid = new Map<number, Line[]>();
  const pending = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const m = /^(\d+) +(.*)$/.exec(raw);
    if (!m) continue;
    const pid = Number(m[1]);
    let body = m[2]!;
    if (body.startsWith('+++') || body.startsWith('---')) continue;
    if (body.endsWith(' <unfinished ...>')) {
      pending.set(pid, body.slice(0, -' <unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(body);
    if (resumed && pending.has(pid)) {
      const head = pending.get(pid)!;
      pending.delete(pid);
      body = head + resumed[1];
    }
    const call = /^(\w+)\((.*)\) +=(?: (.*))?$/.exec(body);
    if (!call) continue;
    const list = byPid.get(pid) ?? [];
    list.push({ pid, name: call[1]!, args: splitArgs(call[2]!), result: call[3] ?? '', text: body });
    byPid.set(pid, list);
  }
  return byPid;
}

/** Splits an argument list at top-level commas (quotes, brackets, braces, parens and comments respected). */
export function splitArgs(s: string): string[] {
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

/** A call's identity for pairing: its name, and its first argument when that is a string. */
function key(l: Line): string {
  const a = l.args[0] ?? '';
  return a.startsWith('"') ? `${l.name} ${a}` : l.name;
}

/**
 * Pairs the processes of two runs, most similar first (LCS of their calls' keys); returns the
 * pids of each run in paired order (unpaired ones last, in order of appearance).
 */
export function pairProcesses(S: Map<number, Line[]>, V: Map<number, Line[]>): [number[], number[]] {
  const scores: [number, number, number][] = [];
  for (const [p, a] of S) for (const [q, b] of V) scores.push([align(a, b, key).length, p, q]);
  scores.sort((x, y) => y[0] - x[0]);
  const sp: number[] = [];
  const vp: number[] = [];
  for (const [n, p, q] of scores) {
    if (n === 0 || sp.includes(p) || vp.includes(q)) continue;
    sp.push(p);
    vp.push(q);
  }
  for (const p of S.keys()) if (!sp.includes(p)) sp.push(p);
  for (const q of V.keys()) if (!vp.includes(q)) vp.push(q);
  // keep the order of appearance among the paired ones, for readable PID numbers
  const order = [...S.keys()];
  const idx = sp.map((_p, k) => k).filter((k) => k < Math.min(sp.length, vp.length)).sort((x, y) => order.indexOf(sp[x]!) - order.indexOf(sp[y]!));
  return [[...idx.map((k) => sp[k]!), ...sp.slice(idx.length)], [...idx.map((k) => vp[k]!), ...vp.slice(idx.length)]];
}

/** A call with the values that differ between runs blanked: prefers the right partner among same-name calls. */
function shape(l: Line): string {
  return `${l.name}(${l.args.map((a) => (ADDR.test(a) || LITERAL.test(a) ? '*' : a.replace(/\d{4,}/g, '#'))).join(', ')})`;
}

/**
 * Pairs two call lists in order (a weighted longest common subsequence): calls pair only with
 * calls of the same key (the name by default), and a pair of the same shape counts double, so
 * that of several same-name calls the alike ones pair up.
 */
export function align(a: readonly Line[], b: readonly Line[], by: (l: Line) => string = (l) => l.name): [number, number][] {
  const n = a.length;
  const m = b.length;
  const ka = a.map(by);
  const kb = b.map(by);
  const sa = a.map(shape);
  const sb = b.map(shape);
  const w = (i: number, j: number) => (ka[i] !== kb[j] ? 0 : sa[i] === sb[j] ? 2 : 1);
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const d = w(i, j);
      L[i]![j] = Math.max(L[i + 1]![j]!, L[i]![j + 1]!, d ? L[i + 1]![j + 1]! + d : 0);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const d = w(i, j);
    if (d && L[i]![j] === L[i + 1]![j + 1]! + d) pairs.push([i++, j++]);
    else if (L[i + 1]![j]! >= L[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** Options of compareRuns. */
export interface CompareOptions {
  /** -y output on both sides */
  decodeFds?: boolean;
  /** whether strace's -y path (the real one) names the file of the recording's (resolved lexically) */
  samePath?: (strace: string, ours: string) => boolean;
}

/** What a comparison found. */
export interface Comparison {
  /** calls in each output */
  straceCalls: number;
  oursCalls: number;
  /** calls paired by name (per process, in order) */
  paired: number;
  /** pairs whose text is identical once pids are renamed */
  identical: number;
  /** pairs equal except where the recording cannot know (buffer contents, addresses, strace's annotations) */
  equalMasked: number;
  /** masked values, by reason */
  masks: Record<string, number>;
  /** pairs that differ: the two lines */
  mismatches: { strace: string; ours: string; why: string }[];
  /** calls of either side that found no partner */
  unpaired: { strace: string[]; ours: string[] };
}

const ADDR = /^0x[0-9a-f]{8,}$/;
const ADDR_IN = /0x[0-9a-f]{8,}/g;
const LITERAL = /^("|\[|\{|~\[)/;

/**
 * Compares strace's output of a program with the sink's output of a recording of another run
 * of the same program: per process (in order of appearance), calls are paired by name and
 * compared argument by argument and on the result. Values a recording cannot hold (buffer and
 * struct contents, addresses that move between runs, annotations strace reads from memory) are
 * masked and counted, never silently equal.
 */
export function compareRuns(straceText: string, oursText: string, opts: CompareOptions = {}): Comparison {
  const S = parseStrace(straceText);
  const V = parseStrace(oursText);
  // processes of the two runs paired by what they do (children may start in another order)
  const [sp, vp] = pairProcesses(S, V);
  const rename = (pids: number[]) => {
    const names = new Map(pids.map((p, k) => [String(p), `PID${k}`]));
    return (s: string) => names.get(s) ?? s;
  };
  const rs = rename(sp);
  const rv = rename(vp);
  const c: Comparison = {
    straceCalls: [...S.values()].reduce((n, l) => n + l.length, 0),
    oursCalls: [...V.values()].reduce((n, l) => n + l.length, 0),
    paired: 0, identical: 0, equalMasked: 0, masks: {}, mismatches: [], unpaired: { strace: [], ours: [] },
  };
  const mask = (why: string) => {
    c.masks[why] = (c.masks[why] ?? 0) + 1;
  };
  for (let k = 0; k < Math.max(sp.length, vp.length); k++) {
    const a = S.get(sp[k]!) ?? [];
    const b = V.get(vp[k]!) ?? [];
    const pairs = align(a, b);
    const ia = new Set(pairs.map(([i]) => i));
    const ib = new Set(pairs.map(([, j]) => j));
    a.forEach((l, i) => ia.has(i) || c.unpaired.strace.push(`${l.pid} ${l.text}`));
    b.forEach((l, j) => ib.has(j) || c.unpaired.ours.push(`${l.pid} ${l.text}`));
    for (const [i, j] of pairs) {
      c.paired++;
      const s = a[i]!;
      const v = b[j]!;
      if (s.text === v.text || pidsRenamed(s, rs) === pidsRenamed(v, rv)) {
        c.identical++;
        continue;
      }
      const why = compareCall(s, v, rs, rv, mask, opts);
      if (why) c.mismatches.push({ strace: `${s.pid} ${s.text}`, ours: `${v.pid} ${v.text}`, why });
      else c.equalMasked++;
    }
  }
  return c;
}

/** Where a syscall takes (argument index) or returns (-1) a process or thread id. */
const PID_SLOTS: Record<string, readonly number[]> = {
  kill: [0], tkill: [0], tgkill: [0, 1], wait4: [0, -1], waitid: [1, -1], setpgid: [0, 1], getpgid: [0, -1], getsid: [0, -1],
  prlimit64: [0], sched_getaffinity: [0], sched_setaffinity: [0], pidfd_open: [0], rt_sigqueueinfo: [0],
  clone: [-1], clone3: [-1], fork: [-1], vfork: [-1], getpid: [-1], gettid: [-1], set_tid_address: [-1],
};

/** The line with its pids renamed PID0, PID1… (in the order the processes were paired). */
function pidsRenamed(l: Line, r: (x: string) => string): string {
  const slots = PID_SLOTS[l.name] ?? [];
  const args = l.args.map((a, k) => (slots.includes(k) ? r(a) : a));
  return `${l.name}(${args.join(', ')}) = ${slots.includes(-1) ? r(l.result) : l.result}`;
}

function compareCall(
  s: Line, v: Line, rs: (x: string) => string, rv: (x: string) => string, mask: (why: string) => void, opts: CompareOptions,
): string | undefined {
  if (s.name === 'rt_sigreturn' && v.args.length === 0) {
    // a recording without the signal frame's mask prints `rt_sigreturn()`
    mask('rt_sigreturn signal frame');
  } else {
    if (s.args.length !== v.args.length) return `${s.args.length} arguments in strace, ${v.args.length} here`;
    const slots = PID_SLOTS[s.name] ?? [];
    for (let k = 0; k < s.args.length; k++) {
      const pid = slots.includes(k);
      // getrandom's bytes are new in every run
      if (s.name === 'getrandom' && k === 0 && LITERAL.test(s.args[0]!) && LITERAL.test(v.args[0]!)) {
        mask('random bytes (differ between runs)');
        continue;
      }
      const why = compareValue(pid ? rs(s.args[k]!) : s.args[k]!, pid ? rv(v.args[k]!) : v.args[k]!, mask, opts);
      if (why) return `argument ${k + 1}: ${why}`;
    }
  }
  if (s.name === 'getppid') {
    mask('parent outside the trace');
    return undefined;
  }
  if (s.name === 'rt_sigreturn') return undefined; // its result is the interrupted call's
  const pidResult = (PID_SLOTS[s.name] ?? []).includes(-1);
  let sr = pidResult ? rs(s.result) : s.result;
  const vr = pidResult ? rv(v.result) : v.result;
  if ((s.name === 'wait4' || s.name === 'waitid') && /^PID\d+$/.test(sr) && /^PID\d+$/.test(vr) && sr !== vr) {
    mask('which child ended first (differs between runs)');
    return undefined;
  }
  // strace adds what it read from memory after the value: `1 ([{fd=0, revents=POLLIN}])`
  if (sr !== vr && sr.startsWith(vr + ' (') && !vr.includes('(') && !/^-1 |^\? /.test(sr)) {
    mask('result annotation from memory');
    sr = vr;
  }
  const why = compareValue(sr, vr, mask, opts);
  return why ? `result: ${why}` : undefined;
}

/** `s` without the fd decorations (`3</path>`) that `v` lacks at the same number, pairing the
 * numbers of both in order (a decoded value of the same shape). */
function dropUnknownFds(s: string, v: string): string {
  const re = /(-?\d+)(<(?:[^<>]|<[^<>]*>)*>)?/g;
  const vs = [...v.matchAll(re)];
  let i = 0;
  return s.replace(re, (m: string, n: string, dec: string | undefined) => {
    const t = vs[i++];
    return dec !== undefined && t !== undefined && t[1] === n && t[2] === undefined ? n : m;
  });
}

function compareValue(s: string, v: string, mask: (why: string) => void, opts: CompareOptions): string | undefined {
  if (s === v) return undefined;
  const ns = /^(\w+)=(.*)$/s.exec(s);
  const nv = /^(\w+)=(.*)$/s.exec(v);
  if (ns && nv && ns[1] === nv[1]) return compareValue(ns[2]!, nv[2]!, mask, opts);
  if (ADDR.test(s) && ADDR.test(v)) return mask('address (moves between runs)'), undefined;
  // addresses inside a decoded value (`0x55… /* 3 entries */`, `{sa_handler=0x55…, …}`) move too
  if (s.replace(ADDR_IN, '0x?') === v.replace(ADDR_IN, '0x?')) return mask('address (moves between runs)'), undefined;
  if (LITERAL.test(s) && (ADDR.test(v) || v === 'NULL' || /^0x[0-9a-f]+$/.test(v))) return mask('buffer or struct contents'), undefined;
  // an address with what strace read there: `0x7ffd… /* 35 vars */`, `0x55a2… /* 13 entries */`
  if (/^0x[0-9a-f]+ \/\* [^*]* \*\/$/.test(s) && ADDR.test(v)) return mask('buffer or struct contents'), undefined;
  if (opts.decodeFds) {
    const fs = /^(-?\d+|AT_FDCWD)<(.*)>$/.exec(s);
    if (fs && v === fs[1]) return mask('fd path unknown to the recording'), undefined;
    const sock = s.replace(/<(socket|pipe):\[\d+\]>/g, '<$1:[?]>');
    if (sock === v) return mask('socket inode'), undefined;
    if (sock !== s && fs && v === fs[1]) return mask('fd path unknown to the recording'), undefined;
    // a descriptor inside a decoded value (`[{fd=0</dev/null>, …}]`) that the recording cannot
    // name (inherited from before the trace): strace's decorations the recording lacks, removed
    if (/\d<[^<>]*>/.test(sock)) {
      const inner = dropUnknownFds(sock, v);
      if (inner !== sock && inner === v) return mask('fd path unknown to the recording'), undefined;
    }
    // -y shows the real path; the recording's is resolved lexically (/lib -> /usr/lib is a symlink)
    const pv = /^(-?\d+|AT_FDCWD)<(.*)>$/.exec(v);
    if (fs && pv && fs[1] === pv[1] && opts.samePath?.(fs[2]!, pv[2]!)) return mask('symlink in the path'), undefined;
  }
  return `strace ${JSON.stringify(s)}, here ${JSON.stringify(v)}`;
}

/** A `--- SIG… {…} ---` line and the call its thread made before it. */
export interface SignalLine {
  readonly line: string;
  readonly after: string;
}

/**
 * The signal lines of a `strace -f -o` text (or of the sink's output), per pid in order, each
 * with the name of the last call line of that pid before it (an `<unfinished ...>` or a
 * `<... resumed>` half counts as its call).
 */
export function signalLines(text: string): Map<number, SignalLine[]> {
  const out = new Map<number, SignalLine[]>();
  const last = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const m = /^(\d+) +(.*)$/.exec(raw);
    if (!m) continue;
    const pid = Number(m[1]);
    const body = m[2]!;
    if (/^--- SIG\w* \{.*\} ---$/.test(body)) {
      const list = out.get(pid) ?? [];
      list.push({ line: body, after: last.get(pid) ?? '' });
      out.set(pid, list);
      continue;
    }
    const call = /^(?:<\.\.\. (\w+) resumed>|(\w+)\()/.exec(body);
    if (call) last.set(pid, call[1] ?? call[2]!);
  }
  return out;
}
