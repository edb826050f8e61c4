/**
 * All decoders by syscall name, and the fallback built from the format's syscall table
 * (argument kinds and C types) for every syscall without one.
 */
import { captureAt, capturesOf, readsArgument, syscallByName } from '@vltrace/format';
import { defaultPrinter } from '../args.js';
import { retFd, type Decoder } from '../decoder.js';
import { FCNTL } from './fcntl.js';
import { FILE } from './file.js';
import { FUTEX_DECODERS } from './futex.js';
import { IO } from './io.js';
import { MMAP } from './mmap.js';
import { NET } from './net.js';
import { OPEN } from './open.js';
import { PROCESS } from './process.js';
import { SIGNAL } from './signal.js';

const FAMILIES: readonly Record<string, Decoder>[] = [OPEN, FILE, FCNTL, MMAP, IO, NET, SIGNAL, PROCESS, FUTEX_DECODERS];

const DECODERS = new Map<string, Decoder>();
for (const family of FAMILIES) {
  for (const [name, d] of Object.entries(family)) {
    if (DECODERS.has(name)) throw new Error(`strace decoders: ${name} is decoded twice`);
    DECODERS.set(name, d);
  }
}

const cache = new Map<string, Decoder>();

const withExitFrom = (d: Decoder, k: number): Decoder => (k < 0 ? d : { ...d, exitFrom: k });
/** Argument k of syscall nr is read only when the call returns: an output argument (not a slot of the files behind the result). */
const filledByKernel = (nr: number, k: number) => {
  const exit = captureAt(nr, k, 'exit');
  return exit !== undefined && readsArgument(exit) && captureAt(nr, k, 'entry') === undefined;
};

/**
 * The decoder of a syscall by name: its own, or one printing each argument by the kind the
 * format's table gives it; for a syscall the table does not know, `nargs` raw arguments in hex.
 * Arguments the capture table reads only at exit are what the kernel fills: they (and the
 * ones after them) print in the exit half of a split line.
 */
export function decoderFor(name: string, nargs: number): Decoder {
  const own = DECODERS.get(name);
  if (own) return own;
  const key = `${name}/${nargs}`;
  let d = cache.get(key);
  if (!d) {
    const def = syscallByName(name);
    // a call the recorder reads the file behind the result of returns a descriptor: `= 3<anon_inode:[userfaultfd]>`
    const returnsFd = def !== undefined && capturesOf(def.nr).some((c) => c.how === 'FD_RET');
    d = def
      ? withExitFrom({ args: def.args.map(([, ctype, kind]) => defaultPrinter(kind, ctype)), ...(returnsFd ? { ret: retFd } : {}) },
        def.args.findIndex((_a, k) => filledByKernel(def.nr, k)))
      : { args: Array.from({ length: nargs }, () => defaultPrinter('flags', 'unsigned long')) };
    cache.set(key, d);
  }
  return d;
}
