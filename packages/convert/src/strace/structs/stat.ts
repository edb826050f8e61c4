/**
 * File status structs as strace abbreviates them (src/print_struct_stat.c, statx.c,
 * print_statfs.c): `{st_mode=S_IFREG|0644, st_size=35019, ...}`, st_rdev for devices;
 * statx's `{stx_mask=…, stx_attributes=…, stx_mode=…, stx_size=…, ...}`; statfs whole.
 */
import { sprintDev, sprintMode } from '../args.js';
import type { Mem } from '../mem.js';
import { FS_MAGIC, S_IFMT, ST_VALID, STATFS_FLAGS, STATX_ATTRS, STATX_MASKS } from '../tables/stat.js';
import { hex, lookupValue, printFlags, type XlatStyle } from '../xlat.js';

const S_IFCHR = 0o20000;
const S_IFBLK = 0o60000;

function isDevice(mode: number): boolean {
  const t = mode & S_IFMT;
  return t === S_IFCHR || t === S_IFBLK;
}

/** struct stat (x86-64): st_mode at 24, st_rdev at 40, st_size at 48. */
export const STAT_SIZE = 144;
export function stat(m: Mem, style: XlatStyle): string {
  const mode = m.u32(24);
  const second = isDevice(mode) ? `st_rdev=${sprintDev(m.u64(40))}` : `st_size=${m.udec(48)}`;
  return `{st_mode=${sprintMode(mode, style)}, ${second}, ...}`;
}

/** struct statx: stx_mask at 0, stx_attributes at 8, stx_mode (u16) at 28, stx_size at 40. */
export const STATX_SIZE = 256;
export function statx(m: Mem, style: XlatStyle): string {
  return `{stx_mask=${printFlags(STATX_MASKS, m.u32(0), style)}, stx_attributes=${printFlags(STATX_ATTRS, m.u64(8), style)}, ` +
    `stx_mode=${sprintMode(m.u16(28), style)}, stx_size=${m.udec(40)}, ...}`;
}

/** struct statfs (x86-64, all fields 64-bit but f_fsid, two ints). */
export const STATFS_SIZE = 120;
export function statfs(m: Mem, style: XlatStyle): string {
  const type = m.u64(0);
  const name = style === 'raw' ? undefined : lookupValue(FS_MAGIC, type);
  const ftype = name === undefined ? hex(type) : style === 'verbose' ? `${hex(type)} /* ${name} */` : name;
  let s = `{f_type=${ftype}, f_bsize=${m.udec(8)}, f_blocks=${m.udec(16)}, f_bfree=${m.udec(24)}, f_bavail=${m.udec(32)}, ` +
    `f_files=${m.udec(40)}, f_ffree=${m.udec(48)}, f_fsid={val=[${hex(m.u32(56))}, ${hex(m.u32(60))}]}, ` +
    `f_namelen=${m.udec(64)}, f_frsize=${m.udec(72)}`;
  const flags = m.u64(80);
  if (flags & BigInt(ST_VALID)) s += `, f_flags=${printFlags(STATFS_FLAGS, flags, style)}`;
  return s + '}';
}
