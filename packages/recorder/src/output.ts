/**
 * Where a recording goes: a bin file (mode 0600, trace.h beside it), or, for -l text/hex, a
 * pipe the native core writes the bin stream into and that is read back here with openTrace
 * and fed to @vltrace/convert's text/hex sink as it arrives.
 *
 * Files are created by @vltrace/format/files: a new file under a temporary name renamed over
 * the output name at once (so a recording can be watched as it grows), never written through
 * a symlink or a file someone else planted; devices and FIFOs are written as they are.
 */
import { closeSync, createReadStream, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TraceHeader, TraceItem } from '@vltrace/format';
import { createFileInPlace, OutputPathError, renderTraceH, writeFileSafely } from './format.js';
import { EnvironmentError, OutputError } from './errors.js';
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
  /** writes trace.h beside a bin log: called once the command runs (not in front of its start) */
  besides(): void;
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

/** Recordings (bin and live text/hex alike) hold paths and arguments: readable by their owner only. */
export const RECORDING_MODE = 0o600;
/** trace.h describes the packets and holds nothing of the recording. */
export const TRACE_H_MODE = 0o644;

/**
 * Creates the output file (RECORDING_MODE) or the live pipe; besides() writes trace.h (its
 * text) beside a bin log. Throws OutputError when the output cannot be created.
 */
export async function openOutput(opts: RecordOptions, addon: NativeAddon, traceH: string = renderTraceH()): Promise<Output> {
  if (opts.format === 'bin') return openBin(opts.output!, traceH);
  return openLive(opts, addon);
}

/** createFileInPlace for a recording; OutputError (exit 1) when it cannot be. */
function createRecording(path: string): { fd: number; regular: boolean } {
  try {
    return createFileInPlace(path, RECORDING_MODE);
  } catch (e) {
    throw e instanceof OutputPathError ? new OutputError(e.message) : e;
  }
}

function openBin(path: string, traceH: string): Output {
  const { fd, regular } = createRecording(path);
  return {
    fd,
    besides() {
      if (regular) writeTraceH(path, traceH); // not beside /dev/null, a FIFO or /dev/stdout
    },
    async finish() {
      closeSync(fd);
    },
  };
}

/** vltrace writes the C description of its packets beside the log; skipped where not writable. */
function writeTraceH(output: string, text: string): void {
  const path = join(dirname(output), 'trace.h');
  try {
    writeFileSafely(path, text, TRACE_H_MODE);
  } catch (e) {
    process.stderr.write(`vltrace-record: note: ${(e as Error).message}; the log's header holds the same description of its packets\n`);
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
  // created before the pipe: nothing to clean up when it cannot be
  const out = opts.output ? createWriteStream('', { fd: createRecording(opts.output).fd }) : process.stdout;
  const [rfd, wfd] = addon.pipe();
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
    besides: () => undefined,
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
