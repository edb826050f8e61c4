/**
 * Memory of batches their consumer is done with (Trace.recycle), for the reassembler's next
 * columns. Each hand-over of a batch (reassemble.ts) needs new fixed-width columns for the
 * store (~90 bytes per row) and string offsets and flags for the batch (~35); fresh memory is
 * page-faulted in as the rows are written, and on a VM whose faults cost several µs each (this
 * project's CI machines: ~3–10 µs) those faults cost about as much as decoding the rows.
 */
export class ColumnPool {
  private readonly free = new Map<number, ArrayBufferLike[]>();
  /** byte lengths this pool has handed out: buffers of any other length are not kept */
  private readonly sizes = new Set<number>();
  private held = 0;

  /**
   * @param shared columns in SharedArrayBuffers: a batch posted to another thread shares them
   *   (no copy, and nothing detached: a thread that detaches a buffer once has every typed
   *   array access of its optimised code checked from then on, jsonl ~15 % slower when the
   *   writing thread moved them back), and the other thread gives them back by posting them
   *   again
   * @param maxBytes most bytes kept for reuse; what is given back beyond it is left to the GC
   */
  constructor(
    private readonly shared = false,
    private readonly maxBytes = 64 << 20,
  ) {}

  /** A column of `length` 32-bit ints; `zero`: all zeros, as a new one is. */
  int32(length: number, zero: boolean): Int32Array {
    return new Int32Array(this.take(4 * length, zero));
  }

  /** A column of `length` bytes; `zero`: all zeros, as a new one is. */
  uint8(length: number, zero: boolean): Uint8Array {
    return new Uint8Array(this.take(length, zero));
  }

  private take(bytes: number, zero: boolean): ArrayBufferLike {
    this.sizes.add(bytes);
    const ab = this.free.get(bytes)?.pop();
    if (!ab) return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    this.held -= bytes;
    if (zero) new Uint8Array(ab).fill(0);
    return ab;
  }

  /**
   * Takes buffers back. Only whole buffers of the kind and lengths this pool hands out are kept
   * (a filtered or merged batch's own arrays are not), each once.
   */
  give(buffers: Iterable<ArrayBufferLike>): void {
    for (const ab of buffers) {
      const bytes = ab.byteLength;
      if (!this.sizes.has(bytes) || ab instanceof SharedArrayBuffer !== this.shared || this.held + bytes > this.maxBytes) continue;
      let list = this.free.get(bytes);
      if (!list) this.free.set(bytes, (list = []));
      if (list.includes(ab)) continue;
      list.push(ab);
      this.held += bytes;
    }
  }
}
