/**
 * Synthetic recordings of realistic shape, for benchmarks and tests of every package: several
 * processes and threads, ~20% of syscalls with paths (some long enough to need continuation
 * packets), failures with real errnos, process events, full-range 64-bit arguments.
 */
import { open } from 'node:fs/promises';
import { CHUNK_FLAGS, encodeHeader, PacketWriter, renderTraceH, type TraceMeta } from '@vltrace/format/write';

export interface SynthOptions {
  /** number of syscalls (default 1M) */
  syscalls?: number;
  /** deterministic seed */
  seed?: number;
}

const enc = new TextEncoder();
/** [nr, name, nargs, path arg index or -1] of the syscalls the workload uses */
const MIX: readonly (readonly [number, string, number, number])[] = [
  [0, 'read', 3, -1], [1, 'write', 3, -1], [3, 'close', 1, -1], [5, 'fstat', 2, -1], [8, 'lseek', 3, -1],
  [9, 'mmap', 6, -1], [39, 'getpid', 0, -1], [110, 'getppid', 0, -1], [202, 'futex', 6, -1], [7, 'poll', 3, -1],
  [257, 'openat', 4, 1], [262, 'newfstatat', 4, 1], [21, 'access', 2, 0], [89, 'readlink', 3, 0], [87, 'unlink', 1, 0],
];
const PATHY = MIX.filter((m) => m[3] >= 0);
const PLAIN = MIX.filter((m) => m[3] < 0);
const ERRNOS = [2n, 11n, 13n, 22n, 9n, 4n];

/**
 * Recording metadata for synthetic and hand-built traces (tests, benchmarks): a plausible
 * recorder's header, with `overrides` for what a test cares about.
 */
export function syntheticMeta(overrides: Partial<TraceMeta> = {}): TraceMeta {
  return {
    arch: 'x86_64', kernelRelease: '6.18.0-test', hostname: 'testhost',
    clock: { monotonicNs: '1000000000', realtimeNs: '1764150000000000000' },
    cwd: '/tmp', argv: ['vltrace-record', '-o', 't.bin', 'app'], command: ['app'], pids: [],
    systemWide: false, followForks: true, strings: { mode: 'full', length: 4096, max: 4212 }, expr: 'all',
    failedOnly: false, ncpus: 2, ringSize: 8 << 20, recorder: 'test', startedAt: '2026-11-26T00:00:00.000Z',
    ...overrides,
  };
}

/** Writes a synthetic v1 recording to `path`; returns packets and bytes written. */
export async function synthesizeTrace(path: string, opts: SynthOptions = {}): Promise<{ packets: number; bytes: number; syscalls: number }> {
  const n = opts.syscalls ?? 1_000_000;
  let seed = opts.seed ?? 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const meta = syntheticMeta({
    kernelRelease: 'synthetic', hostname: 'synth', cwd: '/', argv: ['synthesizeTrace'], command: ['synthetic'],
    recorder: '@vltrace/format synth', startedAt: new Date(0).toISOString(),
  });
  const fh = await open(path, 'w');
  let bytes = 0;
  let packets = 0;
  const w = new PacketWriter();
  const flush = async () => {
    const b = w.take();
    packets += w.packets;
    w.packets = 0;
    await fh.write(b);
    bytes += b.length;
  };
  try {
    const head = encodeHeader(meta, MIX.map(([nr, name, nargs]) => [nr, name, nargs]), renderTraceH());
    await fh.write(head);
    bytes += head.length;
    const pids = [1000, 1001, 1002, 1003];
    for (const pid of pids) w.procInfo({ pid, tid: pid, ts: 1_000_000_000n, ppid: 1, comm: `worker-${pid}`, exe: '/usr/bin/worker' });
    let ts = 1_000_001_000n;
    for (let i = 0; i < n; i++) {
      const pid = pids[i & 3]!;
      const tid = pid + ((i >> 2) % 3) * 10000;
      ts += BigInt(200 + Math.floor(rand() * 800));
      const pathy = rand() < 0.2;
      const m = pathy ? PATHY[Math.floor(rand() * PATHY.length)]! : PLAIN[Math.floor(rand() * PLAIN.length)]!;
      const [nr, , nargs, pathArg] = m;
      const args: bigint[] = [];
      for (let a = 0; a < nargs; a++) args.push(a === 5 && rand() < 0.5 ? BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 32)) << 31n) : BigInt(Math.floor(rand() * 65536)));
      if (pathArg >= 0) {
        const long = rand() < 0.02;
        const p = long ? `/usr/share/very/long/${'segment-'.repeat(110)}/file-${i}.txt` : `/usr/lib/x86_64-linux-gnu/lib${i % 977}.so.${i % 7}`;
        const bytesP = enc.encode(p);
        if (bytesP.length > 383) {
          // full mode: 383-byte chunks in continuation packets
          const parts: Uint8Array[] = [];
          for (let o = 0; o < bytesP.length; o += 383) parts.push(bytesP.subarray(o, o + 383));
          w.entry({ pid, tid, ts, nr, args, chunks: [{ arg: pathArg, bytes: parts[0]!, flags: CHUNK_FLAGS.MORE.bit }], more: true });
          for (let k = 1; k < parts.length; k++) {
            const last = k === parts.length - 1;
            w.cont({ pid, tid, ts, nr, chunks: [{ arg: pathArg, bytes: parts[k]!, flags: CHUNK_FLAGS.CONT.bit | (last ? 0 : CHUNK_FLAGS.MORE.bit) }], more: !last });
          }
        } else {
          w.entry({ pid, tid, ts, nr, args, chunks: [{ arg: pathArg, bytes: bytesP }] });
        }
      } else {
        w.entry({ pid, tid, ts, nr, args });
      }
      const dur = BigInt(100 + Math.floor(rand() * 3000));
      const ret = rand() < 0.08 ? -ERRNOS[Math.floor(rand() * ERRNOS.length)]! : BigInt(Math.floor(rand() * 4096));
      w.exit({ pid, tid, ts: ts + dur, nr, ret });
      if (w.length > 4 << 20) await flush();
    }
    w.trailer({ ts: ts + 1_000_000n, events: BigInt(packets + w.packets), written: BigInt(packets + w.packets), lost: 0n, lostPerCpu: [0n, 0n] });
    await flush();
  } finally {
    await fh.close();
  }
  return { packets, bytes, syscalls: n };
}
