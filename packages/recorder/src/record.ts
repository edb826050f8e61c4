/**
 * record(): the friendly API of vltrace-record. Loads the BPF recorder (before creating any
 * output), starts the command blocked until tracing is attached (or traces -p pids, or the
 * whole system), waits until every traced process is gone, an output error or a signal
 * (signals.ts: passed on to the command, which has a grace period), stops cleanly (drain,
 * trailer, detach) and returns the totals. A command that outlives the recording is left
 * running; after an output error it is waited for.
 */
import { closeSync, readdirSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { constants as osConstants, cpus, hostname, release } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { encodeHeader, PacketWriter, PT, renderTraceH, type TraceMeta } from './format.js';
import { EnvironmentError, OutputError, UsageError } from './errors.js';
import { checkEnvironment, nativeFiles, startLoading, type Loading, type NativeAddon, type NativeStats } from './native.js';
import type { RecordOptions } from './options.js';
import { openOutput, preloadConvert } from './output.js';
import { writeFdInfo } from './fd-info.js';
import { GRACE_MS, Interrupts, STOP_SIGNALS, type StopSignal } from './signals.js';
import { headerSyscalls, syscallConfig } from './syscalls.js';

/** Totals of a recording. */
export interface RecordStats {
  /** packets produced in the kernel (written + lost) */
  events: number;
  written: number;
  lost: number;
  lostPerCpu: number[];
  bytes: number;
  /** packets written, by kind (entry, exit, fork, ...) */
  packetsByType: Record<string, number>;
  /** syscalls recorded (entry packets) */
  syscalls: number;
  /** entries written at exit because a string was not yet readable at entry */
  deferred: number;
  durationMs: number;
  /** CPU time the native drain thread used (reading the ring, writing the output) */
  drainCpuMs: number;
  /**
   * the command's exit status when it ended (128 + signal when killed, also after a stop
   * signal), else 128 + the stop signal when interrupted, 128 + SIGPIPE when the reader of a
   * live output went away, 1 after an output error, else 0
   */
  exitCode: number;
  /** a signal ended the recording (the trailer says so too) */
  interrupted: boolean;
  /** the first stop signal (signals.ts) */
  signal?: StopSignal;
  /** the command started (its pid) */
  commandPid?: number;
  /** the command outlived the recording (it survived the stop signal's grace period): left running, no longer traced */
  commandRunning: boolean;
  /** message of an output error that stopped the recording */
  writeError?: string;
  /** packets the kernel produced that are not in the output because of that error (events - written - lost) */
  dropped: number;
}

const TYPE_NAMES = Object.fromEntries(Object.entries(PT).map(([k, v]) => [v, k.toLowerCase()])) as Record<number, string>;
const VERSION = '1.0.0';

/** A -p pid as the kernel's tgid (a thread id names its process). */
function processOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new UsageError(`-p ${pid}: no such process`);
  }
  return Number(/^Tgid:\s*(\d+)/m.exec(status)?.[1] ?? pid);
}

/**
 * PROC_INFO packets for the processes that ran before recording started: the -p ones (every
 * thread), or every process in system-wide mode; names for readers (comm, exe, parent).
 */
function procInfo(pids: readonly number[] | undefined): PacketWriter {
  const w = new PacketWriter();
  const ts = process.hrtime.bigint(); // CLOCK_MONOTONIC, as bpf_ktime_get_ns
  const all = pids ?? readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  for (const pid of all) {
    const tids = pids ? safe(() => readdirSync(`/proc/${pid}/task`).map(Number), [pid]) : [pid];
    const exe = safe(() => readlinkSync(`/proc/${pid}/exe`), '');
    for (const tid of tids) {
      const stat = safe(() => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'), '');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, the last ')' ends it
      const m = /^\d+ \((.*)\) \S+ (\d+)/s.exec(stat);
      if (m) w.procInfo({ pid, tid, ts, ppid: Number(m[2]), comm: m[1]!, exe });
    }
  }
  return w;
}

/**
 * FD_INFO packets (fd-info.ts): the descriptors and working directory of each process that ran
 * before recording started (the -p ones, or every process but the recorder in system-wide
 * mode), and of the command: what vlt-start holds now is what the command inherits, but for
 * its go pipe (closed at exec).
 */
function fdInfo(w: PacketWriter, pids: readonly number[] | undefined, command: number | undefined): void {
  const ts = process.hrtime.bigint();
  const all = pids ?? readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => p !== process.pid);
  for (const pid of all) writeFdInfo(w, pid, ts);
  if (command !== undefined) writeFdInfo(w, command, ts, new Set([GO_FD]));
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** CLOCK_MONOTONIC (the packets' clock) and CLOCK_REALTIME, read together. */
function clockPair(): TraceMeta['clock'] {
  const m0 = process.hrtime.bigint();
  const real = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  const m1 = process.hrtime.bigint();
  return { monotonicNs: String((m0 + m1) / 2n), realtimeNs: String(real) };
}

function metaOf(opts: RecordOptions, pids: number[]): TraceMeta {
  return {
    arch: 'x86_64', kernelRelease: release(), hostname: hostname(), clock: clockPair(), cwd: process.cwd(),
    argv: process.argv.slice(1), command: opts.command.length ? [...opts.command] : null, pids,
    systemWide: opts.systemWide, followForks: opts.followForks,
    strings: { mode: opts.strings.mode, length: opts.strings.length, max: opts.strings.max },
    expr: opts.expr, failedOnly: opts.failedOnly, ncpus: cpus().length, ringSize: opts.ringSize,
    recorder: `vltrace-record ${VERSION}`, startedAt: new Date().toISOString(),
  };
}

/** The command under vlt-start: blocked on fd 3 until tracing is attached (then "armed"). */
interface Command {
  pid: number;
  exit: Promise<number>;
  /** releases the command (it execs), once; false when vlt-start is gone already */
  go(): boolean;
  /** closes the go pipe unwritten: vlt-start reads end-of-file and exits without running it */
  cancel(): void;
  /** lets this process end while the command runs on */
  unref(): void;
}

/** vlt-start's descriptor of the pipe it waits on before it execs the command (vlt-start.c). */
const GO_FD = 3;

/**
 * Starts vlt-start early: its start overlaps the loading of the BPF object. The addon starts it
 * (posix_spawn, a thread waits for its end): node:child_process would cost its import and a
 * fork of this whole process on the JS thread, in front of the command's first syscall.
 */
function spawnCommand(addon: NativeAddon, argv: readonly string[]): Command {
  const vltStart = nativeFiles().vltStart;
  let ended!: (status: number) => void;
  const exit = new Promise<number>((res) => (ended = res));
  let started: ReturnType<NativeAddon['startCommand']>;
  try {
    started = addon.startCommand(vltStart, [vltStart, ...argv], (status) => ended(status));
  } catch (e) {
    throw new EnvironmentError(`cannot start ${vltStart}: ${(e as Error).message} (npm rebuild @vltrace/native builds it)`);
  }
  let go: number | undefined = started.go;
  const close = (): void => {
    if (go !== undefined) closeSync(go);
    go = undefined;
  };
  return {
    pid: started.pid,
    exit,
    go() {
      if (go === undefined) return false;
      try {
        writeSync(go, 'g');
        return true;
      } catch {
        return false; // EPIPE: vlt-start gave up (command not found)
      } finally {
        close();
      }
    },
    cancel: close,
    unref: () => started.unref(),
  };
}

/**
 * Records syscalls as `opts` says; resolves when the recording is complete on disk. `loading`:
 * the recorder the CLI started loading from the same options (before the syscall table).
 */
export async function record(opts: RecordOptions, loading?: Loading): Promise<RecordStats> {
  const mark = timer(opts.debug || process.env['VLTRACE_TIMING'] === '1');
  mark('record');
  const addon = checkEnvironment();
  const ld = loading ?? startLoading(addon, opts);
  const { rec, loaded, idled } = ld;
  mark('load started', ld.startedAt);
  let cmd: Command | undefined;
  let header: Uint8Array;
  let prologue: PacketWriter;
  let traceH: string;
  try {
    const pids = opts.pids.map(processOf);
    cmd = opts.command.length ? spawnCommand(addon, opts.command) : undefined;
    mark('spawned');
    // the BPF object loads on a worker thread (~25 ms) while this one prepares the output; no
    // output is created before it loaded (without privileges: exit 2 and nothing written)
    if (opts.format !== 'bin') preloadConvert();
    const { conf, unknown, captures } = syscallConfig(opts.syscalls);
    if (opts.debug) {
      const { onIdle: _, background: __, ...shown } = ld.config;
      process.stderr.write(`vltrace-record: settings ${JSON.stringify({ ...shown, unknownConf: unknown, traced: opts.syscalls.size, strings: opts.strings })}\n`);
    }
    traceH = renderTraceH();
    prologue = procInfo(opts.systemWide ? undefined : pids);
    fdInfo(prologue, opts.systemWide ? undefined : pids, cmd?.pid);
    header = encodeHeader(metaOf(opts, pids), headerSyscalls(), traceH);
    mark('prepared');
    const err = await loaded;
    mark('load ended', ld.loadedAt);
    if (err) throw err;
    rec.setSyscalls(conf, unknown, captures);
    for (const p of pids) rec.addPid(p, false);
    if (cmd) rec.addPid(cmd.pid, true);
  } catch (e) {
    cmd?.cancel(); // vlt-start reads end-of-file and exits without running it
    rec.close();
    throw e;
  }
  mark('loaded');
  // from here on a signal ends the recording cleanly (signals.ts says how)
  const ints = new Interrupts(addon, cmd?.pid);
  let status: number | undefined; // the command's exit status, once it ended
  const commandEnded = cmd?.exit.then((s) => {
    ints.commandEnded();
    return (status = s);
  });
  let endStatus = (): void => undefined;
  try {
    const output = await openOutput(opts, addon, traceH);
    const t0 = performance.now();
    try {
      rec.start(output.fd, header, prologue.take(), prologue.packets);
    } catch (e) {
      await output.finish().catch(() => undefined);
      // the header did not fit (disk full): an output error, not the recorder's
      const werr = rec.stats().writeError;
      if (werr) throw new OutputError(`cannot write ${opts.output ?? 'the output'}: ${errnoText(werr).replace(/ writing the output$/, '')}`);
      throw new EnvironmentError((e as Error).message);
    }
    cmd?.go();
    mark('attached');
    output.besides(); // trace.h: after the go, its write and fsync no longer delay the command
    // system-wide on a terminal: how to stop, and how fast the output grows (status.ts)
    if (opts.systemWide) {
      const { startStatus } = await import('./status.js'); // after the release: nothing waits for it
      endStatus = startStatus(process.stderr, opts.output, () => rec.stats());
    }

    // until every traced process is gone (and the command's status is known), an output
    // error (errno), or a signal
    const err = await Promise.race([
      idled.then(async (e) => {
        if (!e) await commandEnded;
        return e;
      }),
      ints.first.then(() => 0),
    ]);
    // the command died of a stop signal (a terminal's Ctrl-C reaches it and vltrace-record at the
    // same instant): its end can be seen before Node runs the signal's handler, so give a signal
    // already sent one turn of the event loop, and the recording is flagged interrupted alike
    if (!ints.signal && status !== undefined && STOP_SIGNALS.some((s) => status === 128 + osConstants.signals[s])) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (ints.signal && opts.debug) {
      const to = ints.passedOn();
      process.stderr.write(`vltrace-record: ${ints.signal}: ${to > 0 ? `passed on to the command (pid ${to})` : to < 0 ? 'not passed on (the command has it already)' : 'no command to pass it on to'}\n`);
    }
    // a signal (passed on to the command): it has GRACE_MS to end (a second signal: at once)
    if (ints.signal && cmd && status === undefined) await firstOf(GRACE_MS, commandEnded!, ints.second);
    endStatus();
    const interrupted = ints.signal !== undefined;
    mark('done');
    const st = await rec.stop(interrupted);
    mark('stopped');
    await output.finish();
    // an output error ended the recording: the command goes on untraced, as a command under
    // strace does when its log cannot be written, and is waited for (signals as above)
    if (err && cmd && status === undefined && !ints.signal) {
      if (err !== osConstants.errno.EPIPE) {
        process.stderr.write(`vltrace-record: ${errnoText(err)}: recording stopped; the command (pid ${cmd.pid}) goes on, no longer traced\n`);
      }
      await Promise.race([commandEnded, ints.first.then(() => firstOf(GRACE_MS, commandEnded!, ints.second))]);
    }
    // still running (it outlived the grace period): left as it is, no longer traced
    const commandRunning = cmd !== undefined && status === undefined;
    if (commandRunning) cmd?.unref();
    const exitCode = err === osConstants.errno.EPIPE ? 128 + osConstants.signals.SIGPIPE
      : status ?? (ints.signal ? 128 + osConstants.signals[ints.signal] : err ? 1 : 0);
    return {
      ...toStats(st, performance.now() - t0, exitCode, interrupted),
      ...(ints.signal ? { signal: ints.signal } : {}),
      ...(cmd ? { commandPid: cmd.pid } : {}),
      commandRunning,
    };
  } finally {
    endStatus();
    ints.dispose();
    rec.close();
    cmd?.cancel();
    mark('closed');
  }
}

/** Resolves when one of `events` settles or after `ms`, whichever comes first. */
async function firstOf(ms: number, ...events: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([...events, new Promise((res) => (timer = setTimeout(res, ms)))]);
  clearTimeout(timer);
}

/** -d: milliseconds since the process started, at each step. */
function timer(on: boolean): (step: string, at?: number) => void {
  return (step, at = performance.now()) => {
    if (on) process.stderr.write(`vltrace-record: ${step} at ${at.toFixed(1)} ms\n`);
  };
}

/** "ENOSPC (no space left on device) writing the output" */
function errnoText(n: number): string {
  const [name, text] = getSystemErrorMap().get(-n) ?? [`errno ${n}`, 'unknown error'];
  return `${name} (${text}) writing the output`;
}

function toStats(st: NativeStats, durationMs: number, exitCode: number, interrupted: boolean): Omit<RecordStats, 'commandRunning'> {
  const packetsByType: Record<string, number> = {};
  st.byType.forEach((n, t) => {
    if (n) packetsByType[TYPE_NAMES[t] ?? `type${t}`] = n;
  });
  // EPIPE on the live pipe: its reader stopped (`| head`), not an output error
  const err = st.writeError === osConstants.errno.EPIPE ? 0 : st.writeError || st.error;
  return {
    events: st.events, written: st.written, lost: st.lost, lostPerCpu: st.lostPerCpu, bytes: st.bytes, packetsByType,
    syscalls: st.byType[PT.ENTRY] ?? 0, deferred: st.deferred, durationMs, drainCpuMs: st.drainCpuNs / 1e6, exitCode, interrupted,
    dropped: Math.max(0, st.events - st.written - st.lost),
    ...(err ? { writeError: errnoText(err) } : {}),
  };
}
