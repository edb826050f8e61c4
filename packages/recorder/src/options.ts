/**
 * Every option of vltrace-record, in one table mirroring vltrace(1), and their normalisation
 * into the settings of a recording (normalize.ts adds the syscall set of -e). cli.ts feeds the
 * table to yargs and to its quick parser; nothing else declares a flag. Nothing here loads
 * @vltrace/format: the CLI starts loading the BPF program from these settings first.
 */
import type { StringCapture } from '@vltrace/format/write';
import { UsageError } from './errors.js';

/** One option: yargs' fields plus the man page's group. */
export interface OptionDef {
  readonly alias?: string;
  readonly type: 'string' | 'boolean' | 'number';
  readonly describe: string;
  readonly group: string;
  readonly array?: boolean;
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  readonly requiresArg?: boolean;
}

const OUT = 'Output format:';
const FILTER = 'Filtering:';
const TRACE = 'Tracing:';
const START = 'Startup:';
const MISC = 'Miscellaneous:';

/** The options, in vltrace(1)'s order, then vltrace-record's own. */
export const OPTIONS = {
  output: { alias: 'o', type: 'string', group: OUT, requiresArg: true, describe: 'write the log to this file (created mode 0600; trace.h is written beside it in the current directory)' },
  timestamp: { alias: 't', type: 'boolean', group: OUT, describe: 'include a timestamp in text/hex output' },
  format: { alias: 'l', type: 'string', group: OUT, choices: ['bin', 'text', 'hex'], describe: "log format: 'bin' (the binary format described by trace.h), 'text' or 'hex' [default: bin with -o, text otherwise]" },
  'hex-separator': { alias: 'K', type: 'string', group: OUT, requiresArg: true, default: ' ', describe: 'field separator of hex logs' },
  failed: { alias: 'X', type: 'boolean', group: FILTER, describe: 'only record failed syscalls (filtered in the kernel)' },
  expr: { alias: 'e', type: 'string', group: FILTER, requiresArg: true, default: 'all', describe: 'syscalls to trace: all, names, strace classes (%file %desc %process %network %memory %signal %ipc %creds %clock ...), kp-all kp-fileio kp-file kp-desc; comma-separated, ! negates' },
  'full-follow-fork': { alias: 'f', type: 'boolean', group: TRACE, describe: 'follow new processes created with fork()/vfork()/clone(), as strace -f does' },
  'string-args': { alias: 's', type: 'number', group: TRACE, requiresArg: true, default: 126, describe: 'maximum length of string arguments: <= 126 fast (one packet per syscall: 382/190/126 bytes for 1/2/3 strings), <= 382 packet (one per string, 382), > 382 full (N = ceil((length+1)/383) packets of 383 bytes at most)' },
  'string-mode': { type: 'string', group: TRACE, choices: ['auto', 'fast', 'packet', 'const', 'full'], default: 'auto', describe: 'force a string mode; const always writes N packets per string' },
  pid: { alias: 'p', type: 'number', group: START, array: true, requiresArg: true, describe: 'trace this process (repeatable; filtered in the kernel); excludes a command' },
  'ebpf-src-dir': { alias: 'N', type: 'string', group: START, requiresArg: true, describe: 'load vltrace.bpf.o from this directory instead of the built-in BPF object' },
  'ring-size': { type: 'string', group: START, requiresArg: true, default: '16M', describe: 'ring buffer size (bytes, or with K/M/G); rounded up to a power of 2' },
  debug: { alias: 'd', type: 'boolean', group: MISC, describe: 'debug output: libbpf messages and the settings used' },
  stats: { type: 'boolean', group: MISC, describe: 'print a summary at the end: packets by type, bytes, lost per CPU, rate' },
  list: { alias: 'L', type: 'boolean', group: MISC, describe: 'print the syscalls traceable on the running kernel' },
  'll-list': { alias: 'R', type: 'boolean', group: MISC, describe: 'print the kernel functions known to BTF (really long)' },
  'builtin-list': { alias: 'B', type: 'boolean', group: MISC, describe: 'print the built-in syscall table' },
} as const satisfies Record<string, OptionDef>;

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

/** Parsed yargs arguments, as cli.ts passes them. */
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
