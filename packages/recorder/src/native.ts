/**
 * The typed face of the native addon (native/src/addon.cc over recorder.h). Loads
 * `native/build/Release/vltrace.node`, or throws an error naming the file and why; starts
 * loading a recorder's BPF object on a worker thread (startLoading).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, UsageError } from './errors.js';
import { STRING_MODES, type RecordSettings } from './options.js';

/** The repository's native/ directory, from this file (dist/src/native.js or src/native.ts). */
export const NATIVE_DIR = fileURLToPath(new URL('../../../../native/', import.meta.url));
export const ADDON_PATH = `${NATIVE_DIR}build/Release/vltrace.node`;
/** The helper that starts a command blocked until tracing is attached. */
export const VLT_START_PATH = `${NATIVE_DIR}build/vlt-start`;

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
  /** the syscall set (VLT_SC_* bits per number, and for numbers past the array); before start() */
  setSyscalls(conf: Uint32Array, unknownConf: number): void;
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

let addon: NativeAddon | undefined;

/** Loads the addon once. */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  if (!existsSync(ADDON_PATH)) {
    throw new Error(`vltrace-record: native addon ${ADDON_PATH} is missing: build it with \`make -C native\` (or bash scripts/setup)`);
  }
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (e) {
    throw new Error(`vltrace-record: cannot load native addon ${ADDON_PATH}: ${(e as Error).message}`);
  }
  return addon;
}

/** Refuses early, with what is missing and how to get it, where eBPF recording cannot work. */
export function checkEnvironment(): NativeAddon {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new EnvironmentError(`recording needs Linux on x86-64 (this is ${process.platform}/${process.arch}); recordings made elsewhere can still be converted here`);
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    throw new EnvironmentError('the kernel has no BTF (/sys/kernel/btf/vmlinux is missing): it needs CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 2020 have it)');
  }
  try {
    return loadNative();
  } catch (e) {
    throw new EnvironmentError((e as Error).message);
  }
}

/** A recorder whose BPF object loads on a worker thread while JS goes on. */
export interface Loading {
  rec: NativeRecorder;
  config: NativeConfig;
  /** settles when the object is loaded: undefined, or the error to report (never rejects) */
  loaded: Promise<Error | undefined>;
  /** from the drain thread: 0 when no traced process is left, else the errno of an output error */
  idled: Promise<number>;
}

/** Starts loading the BPF object for these settings (the syscall set comes later). */
export function startLoading(addon: NativeAddon, s: RecordSettings): Loading {
  let idle!: (err: number) => void;
  const idled = new Promise<number>((res) => (idle = res));
  const config: NativeConfig = {
    objPath: s.ebpfDir ? `${s.ebpfDir.replace(/\/$/, '')}/vltrace.bpf.o` : undefined,
    ringSize: s.ringSize,
    systemWide: s.systemWide,
    followForks: s.followForks,
    failedOnly: s.failedOnly,
    subreaper: s.followForks && s.command.length > 0,
    debug: s.debug,
    strMode: STRING_MODES.indexOf(s.strings.mode),
    strChunks: s.strings.chunks,
    onIdle: (err) => idle(err),
    background: true,
  };
  const rec = new addon.Recorder(config);
  const loaded = rec.ready().then(() => undefined, (e: unknown) => loadError(e, config, s));
  return { rec, config, loaded, idled };
}

/** What a failed load means for the user: privileges (exit 2), a bad -N object (exit 1), ... */
function loadError(e: unknown, config: NativeConfig, s: RecordSettings): Error {
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
