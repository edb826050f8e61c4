/**
 * struct termios as strace abbreviates it (src/term.c): the four flag words, then `...`:
 * `{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|…, ...}`.
 */
import type { Mem } from '../mem.js';
import {
  BAUD_RATES, CBAUD, CHAR_SIZES, CIBAUD, CSIZE, IBSHIFT, TERM_CFLAGS, TERM_IFLAGS, TERM_LFLAGS, TERM_ODELAYS, TERM_OFLAGS,
} from '../tables/term.js';
import { printFlags, printValue, type XlatStyle } from '../xlat.js';

/** The flag words strace prints (c_iflag, c_oflag, c_cflag, c_lflag). */
export const TERMIOS_FLAGS_SIZE = 16;

function oflag(v: number, style: XlatStyle): string {
  let s = '';
  for (const d of TERM_ODELAYS) {
    s += printValue(d.names, (v & d.mask) >>> 0, style) + '|';
    v = (v & ~d.mask) >>> 0;
  }
  return s + printFlags(TERM_OFLAGS, v, style);
}

function cflag(v: number, style: XlatStyle): string {
  let s = printValue(BAUD_RATES, (v & CBAUD) >>> 0, style) + '|';
  if (v & CIBAUD) s += `(${printValue(BAUD_RATES, ((v & CIBAUD) >>> 0) >>> IBSHIFT, style)}<<IBSHIFT)|`;
  s += printValue(CHAR_SIZES, (v & CSIZE) >>> 0, style) + '|';
  return s + printFlags(TERM_CFLAGS, (v & ~(CBAUD | CIBAUD | CSIZE)) >>> 0, style);
}

export function termios(m: Mem, style: XlatStyle): string {
  return `{c_iflag=${printFlags(TERM_IFLAGS, m.u32(0), style)}, c_oflag=${oflag(m.u32(4), style)}, ` +
    `c_cflag=${cflag(m.u32(8), style)}, c_lflag=${printFlags(TERM_LFLAGS, m.u32(12), style)}, ...}`;
}
