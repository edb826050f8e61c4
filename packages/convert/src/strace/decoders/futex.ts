/** futex(2) (strace src/futex.c): the arguments printed depend on the command in op. */
import { ptr, signal, uint, value, xint, type ArgPrinter } from '../args.js';
import { at, shapedBy, type Decoder } from '../decoder.js';
import { structArg } from '../mem.js';
import { timespec, TIMESPEC_SIZE } from '../structs/time.js';
import { FUTEX, FUTEX_BITSET, FUTEX_CMD_MASK, FUTEX_OPS } from '../tables/sched.js';
import { printValue, xlat } from '../xlat.js';

const WAKE_OPS = xlat({ header: 'include/uapi/linux/futex.h', dflt: 'FUTEX_OP_???', lookup: 'indexed' }, [
  [0, 'FUTEX_OP_SET'], [1, 'FUTEX_OP_ADD'], [2, 'FUTEX_OP_OR'], [3, 'FUTEX_OP_ANDN'], [4, 'FUTEX_OP_XOR'],
]);
const WAKE_CMPS = xlat({ header: 'include/uapi/linux/futex.h', dflt: 'FUTEX_OP_CMP_???', lookup: 'indexed' }, [
  [0, 'FUTEX_OP_CMP_EQ'], [1, 'FUTEX_OP_CMP_NE'], [2, 'FUTEX_OP_CMP_LT'], [3, 'FUTEX_OP_CMP_LE'], [4, 'FUTEX_OP_CMP_GT'],
  [5, 'FUTEX_OP_CMP_GE'],
]);

/** FUTEX_WAKE_OP's encoded operation: `{FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1}`. */
const wakeOp: ArgPrinter = (c, k) => {
  const v = c.uint(k);
  const op = (v >>> 28) & 7;
  const shift = (v >>> 28) & 8 ? 'FUTEX_OP_OPARG_SHIFT<<28|' : '';
  const s = c.cfg.style;
  const cmp = (v >>> 24) & 0xf;
  return `{${shift}${printValue(WAKE_OPS, op, s)}, ${(v >>> 12) & 0xfff}, ${printValue(WAKE_CMPS, cmp, s)}, ${v & 0xfff}}`;
};

const bitset = value(FUTEX_BITSET);
/** the timeout of the waiting commands, read at entry */
const timeout = structArg('in', TIMESPEC_SIZE, (m) => timespec(m));
const SHAPES = new Map<number, readonly ArgPrinter[]>([
  [FUTEX.WAIT, [uint, timeout]],
  [FUTEX.WAKE, [uint]],
  [FUTEX.FD, [signal]],
  [FUTEX.REQUEUE, [uint, at(3, uint), at(4, ptr)]],
  [FUTEX.CMP_REQUEUE, [uint, at(3, uint), at(4, ptr), at(5, uint)]],
  [FUTEX.CMP_REQUEUE_PI, [uint, at(3, uint), at(4, ptr), at(5, uint)]],
  [FUTEX.WAKE_OP, [uint, at(3, uint), at(4, ptr), at(5, wakeOp)]],
  [FUTEX.LOCK_PI, [at(3, timeout)]],
  [FUTEX.LOCK_PI2, [at(3, timeout)]],
  [FUTEX.UNLOCK_PI, []],
  [FUTEX.TRYLOCK_PI, []],
  [FUTEX.WAIT_BITSET, [uint, timeout, at(5, bitset)]],
  [FUTEX.WAKE_BITSET, [uint, at(5, bitset)]],
  [FUTEX.WAIT_REQUEUE_PI, [uint, timeout, at(4, ptr)]],
]);

export const FUTEX_DECODERS: Record<string, Decoder> = {
  futex: {
    args: [ptr, value(FUTEX_OPS), ...shapedBy((c) => c.int(1) & FUTEX_CMD_MASK, SHAPES, [uint, ptr, ptr, xint], 4)],
  },
};
