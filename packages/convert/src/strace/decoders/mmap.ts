/** Memory calls (strace src/mem.c): mmap, mprotect, munmap, brk, mremap, madvise, msync, mlock*. */
import { fd, flags, flags64, int, ptr, ulong, value, xlong, type ArgPrinter } from '../args.js';
import { retHex, type Decoder } from '../decoder.js';
import {
  MADVISE_CMDS, MAP_HUGE_MASK, MAP_HUGE_SHIFT, MAP_TYPE, MLOCKALL_FLAGS, MMAP_FLAGS, MMAP_PROT, MREMAP_FLAGS, MSYNC_FLAGS, PKEY_ACCESS,
} from '../tables/mman.js';
import { hex, printValue, sprintFlags } from '../xlat.js';

/** mmap flags: the map type (a value), the flag bits, then the huge page size `|21<<MAP_HUGE_SHIFT`. */
const mmapFlags: ArgPrinter = (c, k) => {
  if (c.cfg.style === 'raw') return c.hex(k);
  const v = c.uint(k);
  let s = printValue(MMAP_FLAGS, v & MAP_TYPE, 'abbrev');
  let rest = (v & ~MAP_TYPE) >>> 0;
  const huge = (rest >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
  rest = (rest & ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)) >>> 0;
  if (rest !== 0) s += '|' + (sprintFlags(MMAP_FLAGS, rest) ?? hex(rest));
  if (huge !== 0) s += `|${huge}<<MAP_HUGE_SHIFT`;
  // the upper 32 bits of the register are not flags
  const high = c.ulong(k) & ~0xffffffffn;
  if (high !== 0n) s += '|' + hex(high);
  return c.cfg.style === 'verbose' ? `${c.hex(k)} /* ${s} */` : s;
};

const prot = flags(MMAP_PROT);

export const MMAP: Record<string, Decoder> = {
  mmap: { args: [ptr, ulong, prot, mmapFlags, fd, xlong], ret: retHex },
  mprotect: { args: [ptr, ulong, prot] },
  pkey_mprotect: { args: [ptr, ulong, prot, int] },
  pkey_alloc: { args: [xlong, flags64(PKEY_ACCESS)] },
  pkey_free: { args: [int] },
  munmap: { args: [ptr, ulong] },
  brk: { args: [ptr], ret: retHex },
  mremap: { args: [ptr, ulong, ulong, flags64(MREMAP_FLAGS), ptr], ret: retHex },
  madvise: { args: [ptr, ulong, value(MADVISE_CMDS)] },
  process_madvise: { args: [fd, ptr, ulong, value(MADVISE_CMDS), xlong] },
  msync: { args: [ptr, ulong, flags(MSYNC_FLAGS)] },
  mlock: { args: [ptr, ulong] },
  munlock: { args: [ptr, ulong] },
  mlockall: { args: [flags(MLOCKALL_FLAGS)] },
  mincore: { args: [ptr, ulong, ptr], exitFrom: 2 },
  shmat: { args: [int, ptr, xlong], ret: retHex },
};
