/**
 * arrow (IPC file) and arrows (IPC stream): the schema of SCHEMA.md as Arrow record batches, one
 * per input batch, built zero-copy by ArrowRows and written to the file as they come (the comm
 * dictionary grows by delta batches). Lost-event reports become one-row batches with status
 * `lost`.
 */
import { writevSync } from 'node:fs';
import { AsyncByteQueue, RecordBatchFileWriter, RecordBatchStreamWriter, type RecordBatchWriter } from '../arrow-lib.js';
import { ArrowRows } from '../arrow-rows.js';
import { sinkFile } from '../sink-file.js';
import { emptyRows, rowsSink } from '../schema.js';
import type { Sink, SinkOptions } from '../sink.js';

const FLUSH_BYTES = 8 << 20;

/** The writer's byte queue, redirected to a file descriptor with large gathered writes. */
class FileQueue extends AsyncByteQueue {
  private pending: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly fd: number) {
    super();
  }

  override write(value: Uint8Array): void {
    this.pending.push(value);
    this.bytes += value.byteLength;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    let chunks = this.pending;
    this.pending = [];
    this.bytes = 0;
    while (chunks.length > 0) {
      // writev takes at most IOV_MAX (1024) buffers
      const part = chunks.slice(0, 1024);
      chunks = chunks.slice(1024);
      let want = part.reduce((s, c) => s + c.byteLength, 0);
      let done = writevSync(this.fd, part);
      // a short write: write the rest
      let rest = part;
      while (done < want) {
        want -= done;
        let skip = done;
        const next: Uint8Array[] = [];
        for (const c of rest) {
          if (skip >= c.byteLength) skip -= c.byteLength;
          else {
            next.push(c.subarray(skip));
            skip = 0;
          }
        }
        rest = next;
        done = writevSync(this.fd, rest);
      }
    }
  }
}

/** An Arrow sink writing to a file descriptor (left open) or a path (see sink-file.ts). */
export function createArrowSink(out: string | number, options: SinkOptions, kind: 'file' | 'stream'): Sink {
  const rows = new ArrowRows(options.header);
  const file = sinkFile(out, options.mode);
  const queue = new FileQueue(file.fd);
  const writer: RecordBatchWriter = kind === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  writer.reset(queue, rows.schema);
  let wrote = false;
  let closed = false;
  return rowsSink(
    (b) => {
      writer.write(rows.recordBatch(b));
      wrote = true;
    },
    {
      async close() {
        if (closed) return;
        closed = true;
        try {
          // an empty output still gets its schema (and footer)
          if (!wrote) writer.write(rows.recordBatch(emptyRows()));
          writer.finish();
          queue.flush();
        } catch (e) {
          file.abort();
          throw e;
        }
        file.done();
      },
    },
  );
}
