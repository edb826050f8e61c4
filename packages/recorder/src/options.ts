/**
 * Every option of vltrace-record, in one table mirroring vltrace(1), and their normalisation
 * into the settings of a recording (normalize.ts adds the syscall set of -e). cli.ts reads the
 * command line with this table (@vltrace/format/cli); nothing else declares a flag. Nothing
 * here loads @vltrace/format's index: the CLI starts loading the BPF program from these
 * settings first.
 */
import { STANDARD_OPTIONS, type OptionSpec } from '@vltrace/format/cli';
import type { StringCapture } from '@vltrace/format/write';
import { UsageError } from './errors.js';

const OUT = 'Output format:';
const FILTER = 'Filtering:';
const TRACE = 'Tracing:';
const START = 'Startup:';
const MISC = 'Miscellaneous:';

/** The options, in vltrace(1)'s order, then vltrace-record's own. */
export const OPTIONS = {
  output: { short: 'o', type: 'string', value: 'FILE', group: OUT, describe: 'write the log to this file (created mode 0600; trace.h is written beside it in the current directory)' },
  timestamp: { short: 't', type: 'boolean', group: OUT, describe: 'include a timestamp in text/hex output' },
  format: { short: 'l', type: 'string', value: 'FMT', group: OUT, choices: ['bin', 'text', 'hex'], describe: "log format: 'bin' (the binary format described by trace.h), 'text' or 'hex' (default: bin with -o, text otherwise)" },
  'hex-separator': { short: 'K', type: 'string', value: 'SEP', group: OUT, default: ' ', describe: 'field separator of hex logs' },
  failed: { short: 'X', type: 'boolean', group: FILTER, describe: 'only record failed syscalls (filtered in the kernel)' },
  expr: { short: 'e', type: 'string', value: 'EXPR', group: FILTER, default: 'all', describe: 'syscalls to trace: all, names, strace classes (%file %desc %process %network %memory %signal %ipc %creds %clock ...), kp-all kp-fileio kp-file kp-desc; comma-separated, ! negates' },
  'full-follow-fork': { short: 'f', type: 'count', group: TRACE, describe: 'follow new processes created with fork()/vfork()/clone(), as strace -f does, into the same log (-ff, one file per process, is refused: vltrace-convert -p PID selects a process)' },
  'string-args': { short: 's', type: 'number', value: 'N', group: TRACE, default: 126, describe: 'maximum length of string arguments: <= 126 fast (one packet per syscall: 382/190/126 bytes for 1/2/3 strings), <= 382 packet (one per string, 382), > 382 full (N = ceil((length+1)/383) packets of 383 bytes at most)' },
  'string-mode': { type: 'string', value: 'MODE', group: TRACE, choices: ['auto', 'fast', 'packet', 'const', 'full'], default: 'auto', describe: 'force a string mode; const always writes N packets per string' },
  pid: { short: 'p', type: 'number', value: 'PID', group: START, list: true, describe: 'trace these processes: comma-separated or repeated (-p 1,2 -p 3; filtered in the kernel); excludes a command. Without a command and without -p, every process of the system is recorded' },
  'ebpf-src-dir': { short: 'N', type: 'string', value: 'DIR', group: START, describe: 'load vltrace.bpf.o from this directory instead of the built-in BPF object' },
  'ring-size': { type: 'string', value: 'SIZE', group: START, default: '16M', describe: 'ring buffer size (bytes, or with K/M/G); rounded up to a power of 2' },
  debug: { short: 'd', type: 'boolean', group: MISC, describe: 'debug output: libbpf messages and the settings used' },
  stats: { type: 'boolean', group: MISC, describe: 'print a summary at the end: packets by type, bytes, lost per CPU, rate' },
  list: { short: 'L', type: 'boolean', group: MISC, describe: 'print the syscalls traceable on the running kernel' },
  'll-list': { short: 'R', type: 'boolean', group: MISC, describe: 'print the kernel functions known to BTF (really long)' },
  'builtin-list': { short: 'B', type: 'boolean', group: MISC, describe: 'print the built-in syscall table' },
  ...STANDARD_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

/** String capture modes of vltrace(1) -s, and their codes in the BPF program (VLT_STR_*). */
export const STRING_MODES = ['fast', 'packet', 'const', 'full'] as const;
export type StringMode = (typeof STRING_MODES)[number];
/** Bytes of a string per packet in the multi-packet modes. */
export const CHUNK_DATA = 383;
/** Largest N the BPF program accepts (VLT_MAX_CHUNKS). */
export const MAX_CHUNKS = 64;

/** What vltrace-record was asked to do, normalised. */
export interface RecordOptions {
  /** output file; undefined = stdout (text/hex only) */
  output?: string;
  format: 'bin' | 'text' | 'hex';
  timestamps: boolean;
  hexSeparator: string;
  failedOnly: boolean;
  /** the -e expression and the syscall numbers it selects */
  expr: string;
  syscalls: ReadonlySet<number>;
  followForks: boolean;
  strings: StringCapture & { readonly chunks: number };
  /** command and arguments, or empty */
  command: readonly string[];
  pids: readonly number[];
  systemWide: boolean;
  ebpfDir?: string;
  ringSize: number;
  debug: boolean;
  stats: boolean;
}

/** The string capture of `-s length` (and an optional forced mode). */
export function stringCapture(length: number, forced: StringMode | 'auto' = 'auto'): StringCapture & { chunks: number } {
  if (!Number.isInteger(length) || length < 1) throw new UsageError(`-s: a positive string length, not ${length}`);
  const mode: StringMode = forced !== 'auto' ? forced : length <= 126 ? 'fast' : length <= 382 ? 'packet' : 'full';
  if (mode === 'fast' || mode === 'packet') return { mode, length, max: 382, chunks: 1 };
  const chunks = Math.ceil((length + 1) / CHUNK_DATA);
  if (chunks > MAX_CHUNKS) {
    throw new UsageError(`-s ${length}: at most ${MAX_CHUNKS * CHUNK_DATA - 1} (${MAX_CHUNKS} packets of ${CHUNK_DATA} bytes)`);
  }
  return { mode, length, max: chunks * CHUNK_DATA - 1, chunks };
}

/** Parses 8388608, 8M, 8MiB, 512K, 1G; rounds up to a power of two of at least a page. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--ring-size: a size such as 16M, not '${text}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]) * mult;
  if (n > 2 ** 31) throw new UsageError(`--ring-size: at most 2G, not ${text}`);
  return Math.max(4096, 2 ** Math.ceil(Math.log2(Math.max(n, 1))));
}

/** Parsed arguments (camelCase), as cli.ts passes them. */
export interface ParsedArgs {
  output?: string;
  timestamp?: boolean;
  format?: string;
  hexSeparator?: string;
  failed?: boolean;
  expr?: string;
  fullFollowFork?: boolean;
  stringArgs?: number;
  stringMode?: string;
  pid?: number[];
  ebpfSrcDir?: string;
  ringSize?: string;
  debug?: boolean;
  stats?: boolean;
  _: (string | number)[];
}

/** What a recording needs before its syscall set: all of RecordOptions but `syscalls`. */
export type RecordSettings = Omit<RecordOptions, 'syscalls'>;

/** The checks of the command, -p and the output format, the first ones normalizeOptions makes. */
export function checkTargets(a: ParsedArgs): Pick<RecordOptions, 'command' | 'pids' | 'format'> {
  const command = a._.map(String);
  const pids = a.pid ?? [];
  if (command.length && pids.length) throw new UsageError('-p and a command exclude each other');
  for (const p of pids) if (!Number.isInteger(p) || p <= 0) throw new UsageError(`-p: a process id, not ${p}`);
  if (pids.length > 63) throw new UsageError(`-p: at most 63 processes (${pids.length} given)`);
  const format = (a.format ?? (a.output ? 'bin' : 'text')) as RecordOptions['format'];
  if (format === 'bin' && !a.output) throw new UsageError('-l bin needs -o <file> (binary logs do not go to a terminal)');
  return { command, pids, format };
}

/** Checks and normalises parsed arguments but -e (see normalizeOptions); throws UsageError. */
export function recordSettings(a: ParsedArgs): RecordSettings {
  const { command, pids, format } = checkTargets(a);
  return {
    output: a.output,
    format,
    timestamps: !!a.timestamp,
    hexSeparator: a.hexSeparator ?? ' ',
    failedOnly: !!a.failed,
    expr: a.expr ?? 'all',
    followForks: !!a.fullFollowFork,
    strings: stringCapture(a.stringArgs ?? 126, (a.stringMode ?? 'auto') as StringMode | 'auto'),
    command,
    pids,
    systemWide: !command.length && !pids.length,
    ebpfDir: a.ebpfSrcDir,
    ringSize: parseSize(a.ringSize ?? '16M'),
    debug: !!a.debug,
    stats: !!a.stats,
  };
}
