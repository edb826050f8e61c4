/**
 * openTrace: a file or a stream → header, then TraceItems (syscall batches and events) in time
 * order, with bounded memory. Reads in large slices, decodes whole packets only, and carries a
 * partial packet over to the next slice.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FormatError, type FormatWarning } from './errors.js';
import { decodePackets, type DecodeResult } from './decode.js';
import { newStats, type TraceItem, type TraceStats } from './events.js';
import { HEADER_PREFIX_SIZE, parseHeader, parseHeaderPrefix, type TraceHeader } from './header.js';
import { FILE_MAGIC, MAX_PACKET_SIZE } from './layout.js';
import { LEGACY_MAGIC, openLegacy } from './legacy/v01.js';
import { Reassembler } from './reassemble.js';
import { batchBuffers, type SyscallBatch } from './batch.js';
import { ColumnPool } from './pool.js';
import { batchSyscalls, type Syscall } from './syscall.js';

/** Options of openTrace. */
export interface OpenTraceOptions {
  /** name used in errors for a stream input (default 'stream') */
  name?: string;
  /** reorder window in ns (default 0.5 s): syscalls are delivered by entry time within it */
  windowNs?: number;
  /** rows per batch at most (default 65536) */
  batchRows?: number;
  /** bytes per read (default 4 MiB) */
  readSize?: number;
  /**
   * start small: the first read is 512 KiB and the first batch is flushed at 4096 rows, each
   * doubling up to readSize and batchRows, so that a consumer in another thread gets its first
   * rows within milliseconds rather than after a whole batch (~100 ms of cold decoding). Only
   * worth it when consuming overlaps decoding (default false)
   */
  quickStart?: boolean;
  /**
   * deliver a call still running when the reorder window passes its entry as an ENTERED row
   * (its entry, in entry order), then the whole call again when it ends; for outputs that show
   * a blocking call where it starts, as strace does (default false)
   */
  entered?: boolean;
  /**
   * batches' fixed-width columns and string offsets and flags in SharedArrayBuffers (from the
   * second batch on; the string bytes stay ArrayBuffers): for a reader whose batches are posted
   * to another thread, which shares them instead of moving them and gives them back with
   * recycle() (default false)
   */
  sharedColumns?: boolean;
}

/** Where the bytes come from: a file or a stream of chunks. */
interface ByteSource {
  /**
   * fills buf[off, off+len) and returns len, or fewer bytes only when the input ended: a short
   * read is the last one with data (the reader relies on it, see Trace.items)
   */
  read(buf: Uint8Array, off: number, len: number): Promise<number>;
  close(): Promise<void>;
}

function fileSource(fh: FileHandle): ByteSource {
  let pos = 0;
  return {
    async read(buf, off, len) {
      let got = 0;
      while (got < len) {
        const { bytesRead } = await fh.read(buf, off + got, len - got, pos);
        if (bytesRead === 0) break;
        got += bytesRead;
        pos += bytesRead;
      }
      return got;
    },
    close: () => fh.close(),
  };
}

function streamSource(stream: AsyncIterable<Uint8Array>): ByteSource {
  const it = stream[Symbol.asyncIterator]();
  let cur: Uint8Array | undefined;
  let at = 0;
  return {
    async read(buf, off, len) {
      let got = 0;
      while (got < len) {
        if (!cur || at >= cur.length) {
          const r = await it.next();
          if (r.done) break;
          cur = r.value;
          at = 0;
          continue;
        }
        const n = Math.min(len - got, cur.length - at);
        buf.set(cur.subarray(at, at + n), off + got);
        at += n;
        got += n;
      }
      return got;
    },
    async close() {
      await it.return?.();
    },
  };
}

/** bytes of the first read with quickStart; each next read is twice as large, up to the read size */
const FIRST_READ = 512 << 10;

/** The packet decoder of a format: v1 or legacy 0.1. */
export interface PacketDecoder {
  decode(buf: Uint8Array, start: number, end: number, base: number): DecodeResult;
  /** called at end of input, before the reassembler finishes */
  end?(): void;
}

/** An open recording. Read it once, through items(), batches() or syscalls(). */
export class Trace {
  /** counters kept while reading: losses, truncations, unmatched entries and exits */
  readonly stats: TraceStats = newStats();
  /** non-fatal problems met while reading (a truncated tail, a missing trailer) */
  readonly warnings: FormatWarning[] = [];
  private used = false;
  private readonly pool: ColumnPool;

  constructor(
    readonly file: string,
    readonly header: TraceHeader,
    private readonly src: ByteSource,
    private readonly opts: OpenTraceOptions,
    private readonly makeDecoder: (reasm: Reassembler, stats: TraceStats) => PacketDecoder,
  ) {
    this.pool = new ColumnPool(opts.sharedColumns ?? false);
  }

  /** Batches of syscalls and the events between them, in time order. */
  async *items(): AsyncGenerator<TraceItem> {
    if (this.used) throw new Error(`${this.file}: a trace can be read once`);
    this.used = true;
    const queue: TraceItem[] = [];
    let sawTrailer = false;
    const reasm = new Reassembler({
      windowNs: this.opts.windowNs,
      batchRows: this.opts.batchRows,
      quickStart: this.opts.quickStart,
      entered: this.opts.entered,
      pool: this.pool,
      stats: this.stats,
      emit: (item) => {
        if (item.type === 'trailer') sawTrailer = true;
        queue.push(item);
      },
    });
    const dec = this.makeDecoder(reasm, this.stats);
    // Two buffers: the next slice is read into one while the other is decoded (the read's copy
    // runs in libuv's thread pool: ~40-50 ms per 1M syscalls no longer waited for). Each
    // buffer has HEAD bytes in front for the partial packet carried over from the previous
    // slice; own ArrayBuffers, so byteOffset is 0 and 32-bit views line up.
    const HEAD = MAX_PACKET_SIZE;
    const readSize = Math.max((this.opts.readSize ?? 4 << 20) & ~7, MAX_PACKET_SIZE);
    const bufs = [new Uint8Array(new ArrayBuffer(HEAD + readSize)), new Uint8Array(new ArrayBuffer(HEAD + readSize))];
    let slice = this.opts.quickStart ? Math.min(FIRST_READ, readSize) : readSize;
    let k = 0;
    let reading: Promise<number> | undefined = this.src.read(bufs[0]!, HEAD, slice);
    let carry = 0; // bytes of the current buffer before HEAD: the previous slice's partial packet
    let base = this.header.size; // file offset of the current buffer's first byte to decode
    try {
      for (;;) {
        const buf = bufs[k & 1]!;
        const asked = slice;
        const got = await reading!;
        reading = undefined;
        this.stats.bytes += got;
        // A short read is the end of the input (ByteSource.read fills the whole range
        // otherwise). Its partial packet is never carried over: every slice before it is a
        // multiple of 8 bytes, so a carry is too and the next buffer's start stays 8-aligned
        // as the decoder's 32-bit word reads need. (Carrying the odd-length tail of a file cut
        // inside a packet misaligned those reads: a bogus size error instead of this warning.)
        const last = got < asked;
        if (!last) {
          slice = Math.min(2 * slice, readSize);
          reading = this.src.read(bufs[(k + 1) & 1]!, HEAD, slice);
        }
        const start = HEAD - carry;
        const end = HEAD + got;
        let res: DecodeResult;
        try {
          // the decoder's offsets are into buf: buf[0] is at file offset base - start
          res = dec.decode(buf, start, end, base - start);
        } catch (e) {
          if (e instanceof FormatError) {
            // deliver everything complete before the bad bytes, then fail
            reasm.finish();
            yield* queue.splice(0);
          }
          throw e;
        }
        yield* queue.splice(0);
        if (last) {
          if (res.next < end) this.warnings.push(truncatedTail(this.file, base + res.next - start, end - res.next, res.need));
          base += end - start;
          break;
        }
        // the partial packet at the end goes in front of the next slice (it is shorter than a
        // packet, so it fits in HEAD)
        carry = end - res.next;
        bufs[(k + 1) & 1]!.set(buf.subarray(res.next, end), HEAD - carry);
        base += res.next - start;
        k++;
      }
      dec.end?.();
      reasm.finish();
      yield* queue.splice(0);
      if (!sawTrailer && this.header.format === 'v1') {
        this.warnings.push({ file: this.file, offset: base, message: 'no trailer: the recorder did not stop cleanly, totals are what was read' });
      }
    } finally {
      // a read still running (the consumer stopped early, or bad input) ends before the close
      await reading?.catch(() => 0);
      await this.src.close();
    }
  }

  /** Only the syscall batches (events are still counted in stats). */
  async *batches(): AsyncGenerator<SyscallBatch> {
    for await (const item of this.items()) if (item.type === 'syscalls') yield item.batch;
  }

  /** One object per syscall, for scripts: name, args, strings, ret, errno, duration. */
  async *syscalls(): AsyncGenerator<Syscall> {
    for await (const b of this.batches()) yield* batchSyscalls(b, this.header);
  }

  /**
   * Gives a batch this trace delivered back once nothing will read it any more: its memory then
   * holds later batches instead of fresh memory (whose page faults cost more than the decoding
   * on some machines). The batch's arrays must not be used afterwards, by anyone: they will hold
   * other rows. Also takes the batch's buffers themselves (shared columns posted back by the
   * thread a batch went to: see sharedColumns). Buffers of other sizes than the reader's columns
   * (a filtered batch's copies) are ignored.
   */
  recycle(batch: SyscallBatch | Iterable<ArrayBufferLike>): void {
    this.pool.give('pid' in batch ? batchBuffers(batch) : batch);
  }

  /** Releases the input without reading it (needed only when no iterator ran to its end). */
  async close(): Promise<void> {
    if (!this.used) {
      this.used = true;
      await this.src.close();
    }
  }
}

/**
 * Opens a vltrace recording (v1, or a vltrace 0.1 log) from a path or a stream of bytes and
 * reads its header. Bad input throws a FormatError naming the file, offset and expectation.
 */
export async function openTrace(input: string | AsyncIterable<Uint8Array>, opts: OpenTraceOptions = {}): Promise<Trace> {
  const file = typeof input === 'string' ? input : (opts.name ?? 'stream');
  const src = typeof input === 'string' ? fileSource(await open(input, 'r')) : streamSource(input);
  try {
    const prefix = new Uint8Array(HEADER_PREFIX_SIZE);
    const n = await src.read(prefix, 0, prefix.length);
    const head = prefix.subarray(0, n);
    if (startsWith(head, LEGACY_MAGIC) || (head.length < LEGACY_MAGIC.length && startsWith(LEGACY_BYTES, head, FILE_MAGIC.length))) {
      // (a file cut inside the 0.1 magic, past the bytes both magics share, is a cut 0.1 preamble)
      const legacy = await openLegacy(file, head, (b, o, l) => src.read(b, o, l));
      return new Trace(file, legacy.header, src, opts, legacy.decoder);
    }
    const { size } = parseHeaderPrefix(file, head);
    const all = new Uint8Array(size);
    all.set(head);
    const got = await src.read(all, head.length, size - head.length);
    const header = parseHeader(file, all.subarray(0, head.length + got));
    return new Trace(file, header, src, opts, (reasm, stats) => ({
      decode: (buf, start, end, base) => decodePackets({ file, minor: header.version.minor, reasm, stats }, buf, start, end, base),
    }));
  } catch (e) {
    await src.close();
    throw e;
  }
}

/** The warning for a file that ends inside a packet (a recorder killed, a disk full, a copy cut short). */
function truncatedTail(file: string, offset: number, have: number, need: number): FormatWarning {
  const what = need > 0 ? `${have} of its ${need} bytes` : `${have} bytes, too few to hold its size`;
  return { file, offset, message: `truncated packet at end of file (${what}): the recording was cut short; everything before it was read` };
}

/** Whether `a` starts with `s` (a string of byte values or bytes), and `s` has at least `min` bytes. */
function startsWith(a: Uint8Array, s: string | Uint8Array, min = 0): boolean {
  if (a.length < s.length || s.length < min) return false;
  for (let i = 0; i < s.length; i++) if (a[i] !== (typeof s === 'string' ? s.charCodeAt(i) : s[i])) return false;
  return true;
}

const LEGACY_BYTES = new TextEncoder().encode(LEGACY_MAGIC);
