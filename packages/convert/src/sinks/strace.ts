/**
 * The strace sink: the lines `strace -f -o file` writes, for strace users. Decoding lives in
 * src/strace/ (see its README); this file adapts options and streams the text out.
 */
import type { TraceHeader, TraceItem } from '@vltrace/format';
import { compileFilter, type FilterOptions } from '../filter.js';
import type { Sink } from '../sink.js';
import { StracePrinter } from '../strace/printer.js';
import type { TimestampStyle } from '../strace/format-line.js';
import type { XlatStyle } from '../strace/xlat.js';
import { Buffer } from 'node:buffer';
import { once } from 'node:events';

/** Options of the strace output (the generic SinkOptions spellings are accepted too). */
export interface StraceOptions {
  header: TraceHeader;
  /** -t, -tt, -ttt or -r; SinkOptions' 1/2/3 mean -t/-tt/-ttt */
  timestamps?: TimestampStyle | number;
  /** -r (SinkOptions' spelling) */
  relativeTimestamps?: boolean;
  /** -T */
  syscallTimes?: boolean;
  /** -y */
  decodeFds?: boolean;
  /** filters applied here when printing (the -y tracker still sees every call): see SinkOptions */
  printFilter?: FilterOptions;
  /** -s: string width, default 32 like strace; paths are always printed in full */
  stringLimit?: number;
  /** -s (SinkOptions' spelling) */
  stringWidth?: number;
  /** -f pid prefixes; default: on when several pids */
  followForks?: boolean;
  /** -X: raw, abbrev (default) or verbose constants */
  constStyle?: XlatStyle;
}

function timestampStyle(o: StraceOptions): TimestampStyle {
  if (o.relativeTimestamps) return 'r';
  const t = o.timestamps;
  if (typeof t === 'number') return t <= 0 ? 'none' : t === 1 ? 't' : t === 2 ? 'tt' : 'ttt';
  return t ?? 'none';
}

/** Creates the strace sink writing to `out` (which stays open: its owner ends it). */
export function createStraceSink(out: NodeJS.WritableStream, opts: StraceOptions): Sink {
  const printer = new StracePrinter({
    header: opts.header,
    timestamps: timestampStyle(opts),
    syscallTimes: opts.syscallTimes,
    decodeFds: opts.decodeFds,
    stringLimit: opts.stringLimit ?? opts.stringWidth,
    followForks: opts.followForks,
    style: opts.constStyle,
  });
  const filter = opts.printFilter ? compileFilter(opts.printFilter, opts.header) : undefined;
  // lines go straight into a chunk buffer; they are ASCII (strace escapes every other byte)
  let buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  let failed: Error | undefined;
  let waitDrain = false;
  out.on('error', (e: Error) => {
    failed = e;
  });
  const send = () => {
    if (failed) throw failed;
    if (pos === 0) return;
    if (!out.write(buf.subarray(0, pos))) waitDrain = true;
    buf = Buffer.allocUnsafe(CHUNK);
    pos = 0;
  };
  // a few hundred lines are joined before each copy into the buffer (one native call per group)
  let acc = '';
  const copy = () => {
    if (pos + acc.length > buf.length) {
      send();
      if (acc.length > buf.length) buf = Buffer.allocUnsafe(acc.length);
    }
    pos += buf.write(acc, pos, 'latin1');
    acc = '';
  };
  const put = (line: string) => {
    acc += line;
    if (acc.length >= GROUP) copy();
  };
  const drained = (): void | Promise<void> => {
    if (!waitDrain) return;
    waitDrain = false;
    return once(out as NodeJS.EventEmitter, 'drain').then(() => undefined);
  };
  return {
    write(item: TraceItem) {
      if (!filter) printer.each(item, put);
      else printer.each(item, put, item.type === 'syscalls' ? filter.indices(item.batch) : filter.event(item));
      copy();
      return drained();
    },
    async close() {
      printer.end(put);
      copy();
      send();
      await drained();
      if (failed) throw failed;
    },
  };
}

/** Bytes buffered before a write to the stream. */
const CHUNK = 1 << 20;
/** Characters of lines joined before a copy into the buffer. */
const GROUP = 1 << 14;
