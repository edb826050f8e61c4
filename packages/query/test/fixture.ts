// A hand-built recording whose every answer is known: processes forking, exec'ing, exiting
// (one killed), files opened, dup'ed, read through fds, failures, a lost-packets report.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK_FLAGS, encodeHeader, PacketWriter, type TraceMeta } from '@vltrace/format';
import { syntheticMeta } from '@vltrace/testkit';

export const META: TraceMeta = syntheticMeta({ argv: ['vltrace-record', '-o', 't.bin', 'sh'], command: ['sh'] });

const enc = (s: string) => new TextEncoder().encode(s);

export function tmpDir(prefix = 'vq-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Header + packets as a file in a fresh temp dir. */
export function writeTrace(w: PacketWriter, name = 'run.bin', dir = tmpDir()): string {
  const h = encodeHeader(META, [], '/* trace.h */');
  const body = w.bytes();
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  const p = join(dir, name);
  writeFileSync(p, out);
  return p;
}

const NR = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, access: 21, dup2: 33, getpid: 39, clone: 56, execve: 59,
  exit_group: 231, wait4: 61, openat: 257, futex: 202, rename: 82, newfstatat: 262,
} as const;
export type Name = keyof typeof NR;

/** The builder: a clock that advances, and one call = entry + exit. */
export class Script {
  readonly w = new PacketWriter();
  ts = 1_000_100_000n;

  tick(ns = 1000n): bigint {
    this.ts += ns;
    return this.ts;
  }

  /**
   * `strs`: string arguments; `mem`: the memory behind pointer arguments as the recorder reads
   * it (DATA packets right after the entry, or the exit for `exit: true`).
   */
  call(
    pid: number, name: Name, args: bigint[], ret: bigint | null,
    opts: { tid?: number; strs?: [number, string][]; dur?: bigint; mem?: { arg: number; bytes: Uint8Array; exit?: boolean }[] } = {},
  ): void {
    const tid = opts.tid ?? pid;
    const nr = NR[name];
    const ts = this.tick();
    const mem = (exit: boolean, at: bigint) => {
      const chunks = (opts.mem ?? []).filter((m) => (m.exit ?? false) === exit).map((m) => ({ arg: m.arg, bytes: m.bytes, flags: exit ? CHUNK_FLAGS.EXIT.bit : 0 }));
      if (chunks.length > 0) this.w.data({ pid, tid, ts: at, nr, chunks });
    };
    this.w.entry({ pid, tid, ts, nr, args, chunks: (opts.strs ?? []).map(([arg, s]) => ({ arg, bytes: enc(s) })) });
    mem(false, ts);
    if (ret !== null) {
      this.w.exit({ pid, tid, ts: ts + (opts.dur ?? 500n), nr, ret });
      mem(true, ts + (opts.dur ?? 500n));
    }
    this.tick(opts.dur ?? 500n);
  }
}

export const AT_FDCWD = -100n;
const SIGCHLD = 17;
const CLD_EXITED = 1;
const CLD_KILLED = 2;

/** The siginfo union of a SIGCHLD: the child's pid and status (uid 0, no CPU time). */
function chld(pid: number, status: number): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, pid, true);
  dv.setInt32(8, status, true);
  return b;
}
export const O_CLOEXEC = 0o2000000n;

/** The first 100 bytes of the fixture's /etc/passwd, as its first read returns them. */
export const PASSWD = enc('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/').subarray(0, 100);

/** struct stat (x86-64, 144 bytes) with st_mode and st_size set. */
function stat(mode: number, size: number): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  dv.setUint32(24, mode, true);
  dv.setBigInt64(48, BigInt(size), true);
  return b;
}

/**
 * The fixture. pid 100 (sh, already running: its parent, 1, is not in the rows) opens and reads /etc/passwd, fails on
 * /nonexistent and /etc/shadow, stats /etc/hosts, reads /etc/group through a directory fd,
 * starts a thread (tid 102), forks 101 (which redirects stdout to /tmp/out.txt, execs /bin/ls,
 * writes, exits 2) and 103 (killed by SIGKILL), then exits 0; each child's SIGCHLD reaches 100
 * (ignored). 5 packets are lost on CPU 1.
 */
export function buildFixture(): PacketWriter {
  const s = new Script();
  const w = s.w;
  w.procInfo({ pid: 100, tid: 100, ts: s.tick(), ppid: 1, comm: 'sh', exe: '/bin/sh' });
  s.call(100, 'openat', [AT_FDCWD, 0x1000n, O_CLOEXEC, 0n], 3n, { strs: [[1, '/etc/passwd']] });
  s.call(100, 'read', [3n, 0x2000n, 4096n], 100n, { dur: 5000n, mem: [{ arg: 1, bytes: PASSWD, exit: true }] });
  s.call(100, 'read', [3n, 0x2000n, 4096n], 0n, { mem: [{ arg: 1, bytes: new Uint8Array(0), exit: true }] });
  s.call(100, 'fstat', [3n, 0x3000n], 0n, { mem: [{ arg: 1, bytes: stat(0o100644, 1234), exit: true }] });
  s.call(100, 'close', [3n], 0n);
  s.call(100, 'openat', [AT_FDCWD, 0x1000n, 0n, 0n], -2n, { strs: [[1, '/nonexistent']] });
  s.call(100, 'stat', [0x1000n, 0x3000n], 0n, { strs: [[0, '/etc/hosts']] });
  s.call(100, 'access', [0x1000n, 4n], -13n, { strs: [[0, '/etc/shadow']] });
  s.call(100, 'openat', [AT_FDCWD, 0x1000n, 0o200000n, 0n], 4n, { strs: [[1, '/etc']] });
  s.call(100, 'openat', [4n, 0x1000n, 0n, 0n], 5n, { strs: [[1, 'group']] });
  s.call(100, 'read', [5n, 0x2000n, 4096n], 10n);
  // a thread
  w.fork({ pid: 100, tid: 100, ts: s.tick(), childPid: 100, childTid: 102, thread: true, comm: 'sh' });
  s.call(100, 'futex', [0x4000n, 0n, 1n, 0n, 0n, 0n], -11n, { tid: 102, dur: 90_000n });
  // child 101: fork (the clone syscall in the parent, the event, the child's no-entry return)
  const cloneTs = s.tick();
  w.entry({ pid: 100, tid: 100, ts: cloneTs, nr: NR.clone, args: [0x1200011n, 0n, 0n, 0n, 0n] });
  w.fork({ pid: 100, tid: 100, ts: s.tick(), childPid: 101, childTid: 101, comm: 'sh' });
  w.exit({ pid: 100, tid: 100, ts: s.tick(), nr: NR.clone, ret: 101n });
  w.exit({ pid: 101, tid: 101, ts: s.tick(), nr: NR.clone, ret: 0n });
  s.call(101, 'openat', [AT_FDCWD, 0x1000n, 0o1101n, 0o644n], 3n, { strs: [[1, '/tmp/out.txt']] });
  s.call(101, 'dup2', [3n, 1n], 1n);
  s.call(101, 'close', [3n], 0n);
  s.call(101, 'read', [5n, 0x2000n, 10n], 0n); // inherited fd 5: /etc/group
  w.exec({ pid: 101, tid: 101, ts: s.tick(), comm: 'ls', filename: '/bin/ls' });
  s.call(101, 'execve', [0x1000n, 0x2000n, 0x3000n], 0n, { strs: [[0, '/bin/ls']] });
  s.call(101, 'write', [1n, 0x2000n, 10n], 10n, { mem: [{ arg: 1, bytes: enc('bin\ndev\nx\n') }] });
  w.lost({ ts: s.tick(), cpu: 1, count: 5n, firstTs: s.ts - 100n, lastTs: s.ts });
  s.call(101, 'exit_group', [2n], null);
  w.procExit({ pid: 101, tid: 101, ts: s.tick(), exitCode: 2 << 8, comm: 'ls' });
  w.signal({ pid: 100, tid: 100, ts: s.tick(), signo: SIGCHLD, code: CLD_EXITED, ignored: true, fields: chld(101, 2) });
  // child 103, killed; the call that created it is not recorded (as with -e leaving vfork out)
  w.fork({ pid: 100, tid: 100, ts: s.tick(), childPid: 103, childTid: 103, comm: 'sh' });
  s.call(103, 'getpid', [], 103n);
  s.call(103, 'rename', [0x1000n, 0x2000n], -2n, { strs: [[0, '/tmp/a'], [1, '/tmp/b']] });
  w.procExit({ pid: 103, tid: 103, ts: s.tick(), exitCode: 9, comm: 'sh' });
  w.signal({ pid: 100, tid: 100, ts: s.tick(), signo: SIGCHLD, code: CLD_KILLED, ignored: true, fields: chld(103, 9) });
  s.call(100, 'wait4', [-1n, 0n, 0n, 0n], 101n, { dur: 200_000n });
  s.call(100, 'wait4', [-1n, 0n, 0n, 0n], -10n);
  s.call(100, 'exit_group', [0n], null);
  w.procExit({ pid: 100, tid: 100, ts: s.tick(), exitCode: 0, comm: 'sh' });
  w.trailer({ ts: s.tick(), events: 100n, written: 95n, lost: 5n, lostPerCpu: [0n, 5n] });
  return w;
}
