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
import { parseSize, stringCapture, type StringMode } from './native.js';

export { CHUNK_DATA, MAX_CHUNKS, parseSize, STRING_MODES, stringCapture, type StringMode } from './native.js';

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
