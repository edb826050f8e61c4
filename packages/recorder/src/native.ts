/**
 * The typed face of the native addon (native/src/addon.cc over recorder.h). Loads
 * `native/build/Release/vltrace.node`, or throws an error naming the file and why.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  /** VLT_SC_* bits per syscall number */
  syscalls: Uint32Array;
  /** VLT_SC_* bits for numbers past the array */
  unknownConf: number;
  /** from the drain thread: 0 = no traced process left, else the errno of an output error */
  onIdle?: (errno: number) => void;
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
