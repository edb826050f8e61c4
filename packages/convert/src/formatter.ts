/**
 * A line format's sink writing into memory: items in, the formatted bytes out, in order. The
 * format threads (format-thread.ts) and the main thread (format-pool.ts) each run one, so that
 * consecutive runs of rows can be formatted on different cores and written in order.
 */
import type { TraceItem } from '@vltrace/format';
import { createSink, type SinkOptions } from './sink.js';

/** Formats whose rows are independent of each other (no state across rows but the comm names). */
export const POOLED_FORMATS = ['csv', 'jsonl'] as const;
export type PooledFormat = (typeof POOLED_FORMATS)[number];

export interface Formatter {
  /** The items' bytes (chunks of the sink's output buffer, in order). */
  format(items: readonly TraceItem[]): Buffer[];
}

export async function createFormatter(format: PooledFormat, options: SinkOptions): Promise<Formatter> {
  const chunks: Buffer[] = [];
  // the sink's ByteOut writes whole chunks and flushes after every batch: nothing stays behind
  const capture = {
    write(c: Buffer) {
      chunks.push(c);
      return true;
    },
    on() {
      return capture;
    },
  };
  const sink = await createSink(format, capture as unknown as NodeJS.WritableStream, { ...options, noHeaderLine: true });
  return {
    format(items) {
      for (const item of items) {
        const w = sink.write(item);
        // csv and jsonl sinks wait only for a stream's drain, which this one never asks for
        if (w) throw new Error('formatter: the sink asked to wait');
      }
      return chunks.splice(0);
    },
  };
}
