/**
 * How fast the shared machine is right now, printed beside benchmark figures: two fixed pieces
 * of work, timed. A register-only loop (xorshift), and a loop of random reads and writes over
 * 64 MiB plus sequential passes; on 2026-12-06 they read ~80–110 ms and ~120–200 ms. The
 * memory loop swings from one minute to the next, up to 2× in the host's slow phases, and the
 * conversions and decoding (memory-bound) swing with it. A figure means little without this
 * line beside it.
 */

/** the loops' result, kept so that they are not optimised away */
export let checksum = 0;

/** `registers N ms, memory M ms` */
export function machineSpeed(): string {
  let t0 = performance.now();
  let x = 2463534242;
  for (let i = 0; i < 5e7; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  const alu = performance.now() - t0;
  // allocated (and faulted in) before the clock starts, freed after: not held by importers
  const mem = new Int32Array(1 << 24);
  mem.fill(1);
  t0 = performance.now();
  let s = 0;
  for (let i = 0; i < 1e7; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 8) & (mem.length - 1);
    s += mem[j]!;
    mem[j] = i;
  }
  for (let r = 0; r < 4; r++) for (let j = 0; j < mem.length; j++) s += mem[j]!;
  const memMs = performance.now() - t0;
  checksum = s + x;
  return `registers ${alu.toFixed(0)} ms, memory ${memMs.toFixed(0)} ms`;
}
