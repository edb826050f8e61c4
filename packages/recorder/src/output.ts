/**
 * Where a recording goes: a bin file (mode 0600, trace.h beside it), or, for -l text/hex, a
 * pipe the native core writes the bin stream into and that is read back here with openTrace
 * and fed to @vltrace/convert's text/hex sink as it arrives.
 */
import { closeSync, constants, createReadStream, createWriteStream, fchmodSync, fstatSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TraceHeader, TraceItem } from '@vltrace/format';
import { renderTraceH } from '@vltrace/format/write';
import { EnvironmentError, UsageError } from './errors.js';
import type { NativeAddon } from './native.js';
import type { RecordOptions } from './options.js';

/** The part of @vltrace/convert used here (imported when -l text/hex asks for it). */
interface ConvertModule {
  createSink(
    format: string,
    out: NodeJS.WritableStream | string,
    options: { header: TraceHeader; timestamps?: number; separator?: string; failedOnly?: boolean },
  ): Promise<{ write(item: TraceItem): void | Promise<void>; close(): Promise<void> }> | { write(item: TraceItem): void | Promise<void>; close(): Promise<void> };
}

/** An open output: the fd the native core writes to, and what finishes it. */
export interface Output {
  fd: number;
  /** closes the fd and waits for a live sink to finish */
  finish(): Promise<void>;
}

const CONVERT = '@vltrace/convert'; // a variable: the recorder builds without the converter
let convertImport: Promise<ConvertModule> | undefined;

/** Starts importing @vltrace/convert for -l text/hex, so that it loads while the BPF program does. */
export function preloadConvert(): void {
  convertImport ??= import(CONVERT) as Promise<ConvertModule>;
  convertImport.catch(() => undefined); // reported by openLive
}

/** Creates the output file (0600) or the live pipe; writes trace.h (its text) beside a bin log. */
export async function openOutput(opts: RecordOptions, addon: NativeAddon, traceH: string = renderTraceH()): Promise<Output> {
  if (opts.format === 'bin') return openBin(opts.output!, traceH);
  return openLive(opts, addon);
}

function openBin(path: string, traceH: string): Output {
  let fd: number;
  let regular = false;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
    // an existing file keeps its mode otherwise (logs hold paths and arguments); never a device
    regular = fstatSync(fd).isFile();
    if (regular) fchmodSync(fd, 0o600);
  } catch (e) {
    throw new UsageError(`cannot create ${path}: ${(e as Error).message}`);
  }
  if (regular) writeTraceH(path, traceH); // not beside /dev/null or a FIFO
  return {
    fd,
    async finish() {
      closeSync(fd);
    },
  };
}

/** vltrace writes the C description of its packets beside the log; skipped where not writable. */
function writeTraceH(output: string, text: string): void {
  const path = join(dirname(output), 'trace.h');
  try {
    writeFileSync(path, text);
  } catch (e) {
    process.stderr.write(`vltrace-record: note: ${path} not written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the log's header holds the same description\n`);
  }
}

async function openLive(opts: RecordOptions, addon: NativeAddon): Promise<Output> {
  let convert: ConvertModule;
  try {
    convert = await (convertImport ?? (import(CONVERT) as Promise<ConvertModule>));
    if (typeof convert.createSink !== 'function') throw new Error('it has no createSink');
  } catch (e) {
    throw new EnvironmentError(`-l ${opts.format} needs @vltrace/convert, which cannot be loaded (${(e as Error).message}); record with -l bin -o FILE and convert later`);
  }
  const [rfd, wfd] = addon.pipe();
  const out = opts.output ? createWriteStream(opts.output, { mode: 0o600 }) : process.stdout;
  // read the bin stream back as the core writes it; the reader ends when the write side closes
  const pump = (async () => {
    // the reader is needed only for live text/hex: not loaded for bin recordings (start-up)
    const { openTrace } = await import('@vltrace/format');
    const trace = await openTrace(createReadStream('', { fd: rfd, highWaterMark: 1 << 20 }), { name: 'live recording' });
    const sink = await convert.createSink(opts.format, out, {
      header: trace.header,
      timestamps: opts.timestamps ? 1 : 0,
      separator: opts.hexSeparator,
      failedOnly: opts.failedOnly,
    });
    for await (const item of trace.items()) {
      const p = sink.write(item);
      if (p) await p;
    }
    await sink.close();
  })();
  pump.catch(() => undefined); // reported by finish()
  return {
    fd: wfd,
    async finish() {
      closeSync(wfd);
      try {
        await pump;
      } catch (e) {
        // whoever reads our output went away (`| head`): like any filter, stop quietly
        if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
        return;
      }
      if (out !== process.stdout) await new Promise<void>((res) => (out as NodeJS.WritableStream).end(res));
    },
  };
}
