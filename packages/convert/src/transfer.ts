/**
 * What a batch's columns live in, for a worker's transfer list: posting a batch with them moves
 * its memory to the other thread instead of copying it (the sending side's views go empty).
 */
import type { SyscallBatch, TraceItem } from '@vltrace/format';

/** Every distinct ArrayBuffer a batch's columns view (SharedArrayBuffers are shared, not moved). */
export function batchBuffers(b: SyscallBatch & { lost?: BigInt64Array; cpu?: Int32Array }, into: Set<ArrayBuffer> = new Set()): Set<ArrayBuffer> {
  const add = (a: ArrayBufferView | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) into.add(a.buffer);
  };
  [b.pid, b.tid, b.nr, b.tsEnter, b.tsExit, b.nargs, b.ret, b.status, b.comm, b.lost, b.cpu].forEach(add);
  b.args.forEach(add);
  for (const s of [...b.strings, b.data]) [s.offsets, s.data, s.flags].forEach(add);
  return into;
}

/** The buffers of an item (a syscall batch's; events are small and copied). */
export function itemBuffers(item: TraceItem): ArrayBuffer[] {
  return item.type === 'syscalls' ? [...batchBuffers(item.batch)] : [];
}
