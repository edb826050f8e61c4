/**
 * What vltrace-record does first (start.ts, its entry point, runs it before importing the rest):
 * read from the command line what loading the BPF object depends on, and start that load on a
 * worker thread. The load is the longest step of a start; begun here it overlaps the ~20-40 ms
 * of imports, parsing and preparation that follow (cli.ts, options, -e's syscall table,
 * record.ts), which the full parser would otherwise make it wait for.
 *
 * Only a command line of a plain shape is read here: the options that take a value are
 * stepped over, the few that change the load are read, and anything else (help, lists, an
 * unknown or repeated option, a doubtful value) leaves the load to cli.ts, as before. The full
 * parser stays the judge: cli.ts takes the early load only when the configuration it computes
 * itself is the same (loadingFor), and closes it otherwise. This module imports nothing heavy.
 */
import {
  checkEnvironment, loadConfig, parseSize, startLoading, STRING_MODES, stringCapture, type LoadSettings, type Loading, type NativeConfig, type StringMode,
} from './native.js';

/**
 * How this scan reads each option of OPTIONS (options.ts; a test keeps the two in step):
 * 'value' takes a value, 'flag' does not, 'other' makes the scan give up (not a recording,
 * or not worth reading early). Short names map to long ones.
 */
export const SCAN: Readonly<Record<string, 'value' | 'flag' | 'other'>> = {
  output: 'value', timestamp: 'flag', format: 'value', 'hex-separator': 'value', failed: 'flag', expr: 'value',
  'full-follow-fork': 'flag', 'string-args': 'value', 'string-mode': 'value', pid: 'value', 'ebpf-src-dir': 'value',
  'ring-size': 'value', debug: 'flag', stats: 'flag', list: 'other', 'll-list': 'other', 'builtin-list': 'other',
  help: 'other', version: 'other', completion: 'other',
};
export const SCAN_SHORT: Readonly<Record<string, string>> = {
  o: 'output', t: 'timestamp', l: 'format', K: 'hex-separator', X: 'failed', e: 'expr', f: 'full-follow-fork',
  s: 'string-args', p: 'pid', N: 'ebpf-src-dir', d: 'debug', L: 'list', R: 'll-list', B: 'builtin-list', h: 'help', V: 'version',
};

/** The load settings of `argv` (vltrace-record's arguments), or undefined when its shape is not plain. */
export function scanLoadSettings(argv: readonly string[]): LoadSettings | undefined {
  const seen = new Map<string, string | true>();
  let pids = false;
  let command: readonly string[] = [];
  // an option by its long name, with its value (undefined: a flag); false: give up
  const take = (name: string | undefined, value: string | undefined): boolean => {
    const kind = name === undefined || !Object.hasOwn(SCAN, name) ? undefined : SCAN[name];
    if (name === undefined || kind === undefined || kind === 'other') return false;
    if (kind === 'flag' ? value !== undefined : value === undefined || value === '') return false;
    if (name === 'pid') {
      if (!value!.split(',').every((p) => /^[1-9]\d{0,9}$/.test(p))) return false;
      pids = true;
      return true;
    }
    if (seen.has(name)) return false; // an error, or -ff: the parser says which
    seen.set(name, value ?? true);
    return true;
  };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--') {
      command = argv.slice(i + 1);
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      command = argv.slice(i);
      break;
    }
    // a value in the next word, as the parser takes it (a word that looks like an option is an error)
    const next = (): string | undefined => {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v !== '-')) return undefined;
      i++;
      return v;
    };
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const value = eq >= 0 ? w.slice(eq + 1) : SCAN[name] === 'value' ? next() : undefined;
      if (!take(name, value)) return undefined;
      continue;
    }
    // -tXf, -s200, -o FILE: flags, then at most one option with its value (the rest or the next word)
    for (let j = 1; j < w.length; j++) {
      const name = Object.hasOwn(SCAN_SHORT, w[j]!) ? SCAN_SHORT[w[j]!] : undefined;
      if (name !== undefined && SCAN[name] === 'value') {
        if (!take(name, j + 1 < w.length ? w.slice(j + 1) : next())) return undefined;
        break;
      }
      if (!take(name, undefined)) return undefined;
    }
  }
  if (command.length && pids) return undefined;
  const text = (name: string): string | undefined => {
    const v = seen.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  try {
    const length = text('string-args');
    if (length !== undefined && !/^(0|[1-9]\d{0,14})$/.test(length)) return undefined;
    const mode = text('string-mode') ?? 'auto';
    if (mode !== 'auto' && !(STRING_MODES as readonly string[]).includes(mode)) return undefined;
    return {
      ebpfDir: text('ebpf-src-dir'),
      ringSize: parseSize(text('ring-size') ?? '16M'),
      systemWide: !command.length && !pids,
      followForks: seen.has('full-follow-fork'),
      failedOnly: seen.has('failed'),
      command,
      debug: seen.has('debug'),
      strings: stringCapture(length === undefined ? 126 : Number(length), mode as StringMode | 'auto'),
    };
  } catch {
    return undefined; // a usage error: the parser reports it
  }
}

let early: Loading | undefined;

/** Starts loading the BPF object for `argv` when its shape is plain and recording can work here. */
export function startEarly(argv: readonly string[]): void {
  const s = scanLoadSettings(argv);
  if (!s) return;
  try {
    early = startLoading(checkEnvironment(), s);
  } catch {
    early = undefined; // reported in its usual place (record)
  }
}

const sameConfig = (a: NativeConfig, b: NativeConfig): boolean =>
  (Object.keys(b) as (keyof NativeConfig)[]).every((k) => a[k] === b[k]);

/**
 * The load for these settings (from the full parse): the early one when it was started with
 * the same configuration, else a new one. Throws as checkEnvironment does.
 */
export function loadingFor(s: LoadSettings): Loading {
  const e = early;
  early = undefined;
  if (e && sameConfig(e.config, loadConfig(s))) return e;
  e?.rec.close();
  return startLoading(checkEnvironment(), s);
}

/** Closes an early load nobody will use (the command line was wrong, or not a recording). */
export function discardEarly(): void {
  early?.rec.close();
  early = undefined;
}
