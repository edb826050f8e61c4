/**
 * The typed face of the native addon (native/src/addon.cc over recorder.h), which the package
 * @vltrace/native holds (prebuilt for linux-x64, or built from source at install) and loads;
 * the settings the BPF object is loaded with (string capture, ring size); starts loading a
 * recorder's BPF object on a worker thread (startLoading). Small, and importing nothing heavy:
 * launch.ts starts the load with it before the rest of vltrace-record is imported.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { EnvironmentError, UsageError } from './errors.js';
import type { StringCapture } from '@vltrace/format/write';
import type { RecordSettings } from './options.js';

type NativePackage = typeof import('@vltrace/native');

/** What recording needs, the start of every "cannot record here" line */
const NEEDS = 'eBPF recording needs Linux on x86-64 with BTF';

/** Configuration of a recorder (struct vlt_config). */
export interface NativeConfig {
  /** -N: a vltrace.bpf.o to load instead of the built-in object */
  objPath?: string;
  ringSize: number;
  systemWide: boolean;
  followForks: boolean;
  failedOnly: boolean;
  /** PR_SET_CHILD_SUBREAPER, and reap orphans of followed processes */
  subreaper: boolean;
  debug: boolean;
  /** VLT_STR_*: 0 fast, 1 packet, 2 const, 3 full */
  strMode: number;
  /** N of the const/full modes */
  strChunks: number;
  /** the string limit (-s) for memory read behind arguments: buffer bytes, argv strings, array items */
  dataLimit: number;
  /** VLT_SC_* bits per syscall number; or setSyscalls() before start() */
  syscalls?: Uint32Array;
  /** VLT_SC_* bits for numbers past the array */
  unknownConf?: number;
  /** from the drain thread: 0 = no traced process left, else the errno of an output error */
  onIdle?: (errno: number) => void;
  /** load on a worker thread: the constructor returns at once, ready() settles when loaded */
  background?: boolean;
}

/** Counters of a recording (struct vlt_stats). */
export interface NativeStats {
  events: number;
  written: number;
  lost: number;
  bytes: number;
  /** entries written at exit because a string was not readable at entry */
  deferred: number;
  /** packets written per packet type code */
  byType: number[];
  lostPerCpu: number[];
  /** CPU time of the drain thread (after stop) */
  drainCpuNs: number;
  writeError: number;
  running: boolean;
  /** stop(): errno of writing the trailer, or 0 */
  error?: number;
}

export interface NativeRecorder {
  /** resolves when the BPF object is loaded (a background load), rejects with its error */
  ready(): Promise<void>;
  /** the syscall set (VLT_SC_* bits per number, and for numbers past the array) and the capture
   * descriptors (CAPTURE_SLOTS per number); before start() */
  setSyscalls(conf: Uint32Array, unknownConf: number, captures?: Uint32Array): void;
  addPid(pid: number, armed: boolean): void;
  /** writes header then prologue (packets made here: PROC_INFO), attaches, starts draining */
  start(fd: number, header: Uint8Array, prologue: Uint8Array, prologuePackets: number): void;
  /** detaches, drains, writes the trailer (off the JS thread) */
  stop(interrupted: boolean): Promise<NativeStats>;
  stats(): NativeStats;
  close(): void;
}

export interface NativeAddon {
  Recorder: new (config: NativeConfig) => NativeRecorder;
  listBtfFuncs(): string[];
  /** [readFd, writeFd] of a new pipe (1 MiB) */
  pipe(): [number, number];
  /** runs `file` with `argv` (argv[0] included), the standard descriptors inherited and the read
   * end of a new pipe as fd 3, signals at their defaults; `go` is the write end. onExit gets the
   * exit code, or 128 + the signal that killed it; unref() lets Node exit while it runs on. */
  startCommand(file: string, argv: readonly string[], onExit: (status: number) => void): { pid: number; go: number; unref(): void };
  /** vltrace-record's stop signals (native/src/signals.h): handle this one in front of Node's
   * handler; call after process.on(signal). False when no handler is installed. */
  watchSignal(signo: number): boolean;
  /** from now on: the first watched signal goes on to the command unless it has it already,
   * the second ends the process by that signal `ms` later, the third at once, all from the
   * signal handler (the JS thread may be blocked); `note` goes to stderr before ending */
  armSignals(ms: number, note: string): boolean;
  /** the command the first signal goes on to; 0 once it ended */
  signalCommand(pid: number): void;
  /** the pid the first signal went on to, 0 when none, -1 when the command had it already */
  signalForwarded(): number;
  disarmSignals(): void;
}

/** An error from the addon: `code` is the errno name. */
export interface NativeError extends Error {
  code: string;
  errno: number;
}

let nativePackage: NativePackage | undefined;

/** @vltrace/native, required by name (an optional dependency: npm skips it on other platforms,
 * and drops it when its install failed); throws an EnvironmentError saying what was tried. */
function nativePackageOrThrow(): NativePackage {
  if (nativePackage) return nativePackage;
  try {
    nativePackage = createRequire(import.meta.url)('@vltrace/native') as NativePackage;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new EnvironmentError(`${NEEDS}: the package @vltrace/native is not installed (npm skips it on platforms other than linux-x64, and leaves it out when its install failed: npm install @vltrace/native shows why)`);
  }
  return nativePackage;
}

/** Paths of the addon, vlt-start and the built-in BPF object; throws an EnvironmentError. */
export function nativeFiles(): { addon: string; vltStart: string; bpfObject: string } {
  const pkg = nativePackageOrThrow();
  try {
    return pkg.files();
  } catch (e) {
    throw new EnvironmentError(`${NEEDS}: ${(e as Error).message}`);
  }
}

/** Loads the addon once; throws an EnvironmentError naming the file and why. */
export function loadNative(): NativeAddon {
  const pkg = nativePackageOrThrow();
  try {
    return pkg.load() as NativeAddon;
  } catch (e) {
    throw new EnvironmentError(`${NEEDS}: ${(e as Error).message}`);
  }
}

/** Refuses early, with what is missing and how to get it, where eBPF recording cannot work. */
export function checkEnvironment(): NativeAddon {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new EnvironmentError(`${NEEDS} (this is ${process.platform}/${process.arch}); recordings made elsewhere can still be converted here`);
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    throw new EnvironmentError(`${NEEDS}: this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): it needs CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 2020 have it)`);
  }
  return loadNative();
}

// The settings the BPF object is loaded with, from their command-line text (-s, --string-mode,
// --ring-size): here, where launch.ts reads them before anything else is loaded.

/** String capture modes of vltrace(1) -s, and their codes in the BPF program (VLT_STR_*). */
export const STRING_MODES = ['fast', 'packet', 'const', 'full'] as const;
export type StringMode = (typeof STRING_MODES)[number];
/** Bytes of a string per packet in the multi-packet modes. */
export const CHUNK_DATA = 383;
/** Largest N the BPF program accepts (VLT_MAX_CHUNKS). */
export const MAX_CHUNKS = 64;

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

/** A recorder whose BPF object loads on a worker thread while JS goes on. */
export interface Loading {
  rec: NativeRecorder;
  config: NativeConfig;
  /** settles when the object is loaded: undefined, or the error to report (never rejects) */
  loaded: Promise<Error | undefined>;
  /** from the drain thread: 0 when no traced process is left, else the errno of an output error */
  idled: Promise<number>;
  /** performance.now() when the load started, and when its end reached this thread (-d timing) */
  startedAt: number;
  loadedAt?: number;
}

/** What loading the BPF object depends on: launch.ts reads it before the rest of the command line. */
export type LoadSettings = Pick<RecordSettings, 'ebpfDir' | 'ringSize' | 'systemWide' | 'followForks' | 'failedOnly' | 'command' | 'debug' | 'strings'>;

/** The recorder's configuration for these settings (the syscall set comes later). */
export function loadConfig(s: LoadSettings): NativeConfig {
  return {
    objPath: s.ebpfDir ? `${s.ebpfDir.replace(/\/$/, '')}/vltrace.bpf.o` : undefined,
    ringSize: s.ringSize,
    systemWide: s.systemWide,
    followForks: s.followForks,
    failedOnly: s.failedOnly,
    subreaper: s.followForks && s.command.length > 0,
    debug: s.debug,
    strMode: STRING_MODES.indexOf(s.strings.mode),
    strChunks: s.strings.chunks,
    dataLimit: s.strings.length,
  };
}

/** Starts loading the BPF object for these settings (the syscall set comes later). */
export function startLoading(addon: NativeAddon, s: LoadSettings): Loading {
  let idle!: (err: number) => void;
  const idled = new Promise<number>((res) => (idle = res));
  const config: NativeConfig = { ...loadConfig(s), onIdle: (err) => idle(err), background: true };
  const rec = new addon.Recorder(config);
  const startedAt = performance.now(); // (after: the performance global costs ~2 ms to set up)
  const ld: Loading = {
    rec, config, idled, startedAt,
    loaded: rec.ready().then(() => undefined, (e: unknown) => loadError(e, config, s)).finally(() => (ld.loadedAt = performance.now())),
  };
  return ld;
}

/** What a failed load means for the user: privileges (exit 2), a bad -N object (exit 1), ... */
function loadError(e: unknown, config: NativeConfig, s: LoadSettings): Error {
  const code = (e as NativeError).code;
  if (code === 'EPERM' || code === 'EACCES') {
    // never advise setcap on the system's node: every Node program run by anyone would get
    // the right to load BPF and read every process's syscalls
    return new EnvironmentError(
      `not permitted to load eBPF programs (${code}): run it as root (sudo); it needs CAP_BPF and ` +
      `CAP_PERFMON, and giving them to the system's node would give them to every Node program ` +
      `(the recorder's README, "Privileges", has a safer way)${s.debug ? '' : '; -d shows libbpf\'s messages'}`);
  }
  if (s.ebpfDir && code === 'ENOENT') return new UsageError(`-N: ${config.objPath} not found`);
  if (s.ebpfDir) {
    return new UsageError(`-N: cannot use ${config.objPath}: ${(e as Error).message.replace(/^.*?: /, '')} (is it a vltrace.bpf.o of this version?)`);
  }
  return new EnvironmentError(`${(e as Error).message}${s.debug ? '' : ' (-d shows libbpf\'s messages)'}`);
}
