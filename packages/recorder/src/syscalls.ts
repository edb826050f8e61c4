/**
 * The syscall table as the BPF program sees it (the sc_conf map: enabled, argument count,
 * string arguments per number) and the lists of -L, -R and -B.
 */
import { readdirSync } from 'node:fs';
import { MAX_ARGS, SYSCALLS_X86_64, stringArgMask, type HeaderSyscall } from '@vltrace/format/write';
import type { NativeAddon } from './native.js';

/** Entries of the sc_conf array map (VLT_MAX_SYSCALLS in native/include/vltrace.h). */
export const MAX_SYSCALLS = 1024;
/** VLT_SC_* bits of native/include/vltrace.h. */
const SC_ENABLED = 0x1;
const SC_NARGS_SHIFT = 1;
const SC_STRMASK_SHIFT = 4;

/** sc_conf values for a set of syscall numbers, and the value for numbers not in the table. */
export function syscallConfig(selected: ReadonlySet<number>): { conf: Uint32Array; unknown: number } {
  const conf = new Uint32Array(MAX_SYSCALLS);
  const known = new Set<number>();
  let all = true;
  for (const d of SYSCALLS_X86_64) {
    known.add(d.nr);
    const on = selected.has(d.nr);
    all &&= on;
    if (d.nr < MAX_SYSCALLS) {
      conf[d.nr] = (on ? SC_ENABLED : 0) | d.args.length << SC_NARGS_SHIFT | stringArgMask(d.nr) << SC_STRMASK_SHIFT;
    }
  }
  // numbers the table does not know: traced (with 6 raw arguments) only when everything is
  const unknown = all ? SC_ENABLED | MAX_ARGS << SC_NARGS_SHIFT : 0;
  for (let nr = 0; nr < MAX_SYSCALLS; nr++) if (!known.has(nr)) conf[nr] = unknown;
  return { conf, unknown };
}

/** The built-in table as the file header stores it. */
export function headerSyscalls(): HeaderSyscall[] {
  return SYSCALLS_X86_64.map((d) => [d.nr, d.name, d.args.length] as const);
}

/** -B: the built-in table, one syscall per line. */
export function builtinList(): string[] {
  return SYSCALLS_X86_64.map((d) => `${String(d.nr).padStart(3)} ${d.name}(${d.args.map(([n]) => n).join(', ')})`);
}

// strace names whose kernel entry point has another name
const KERNEL_NAMES: Readonly<Record<string, string>> = {
  stat: 'newstat', lstat: 'newlstat', fstat: 'newfstat', uname: 'newuname', newfstatat: 'newfstatat',
  umount2: 'umount', pread64: 'pread64', pwrite64: 'pwrite64', sysctl: 'sysctl',
};

/** -L: syscalls of the table the running kernel has: a tracefs syscall event where tracefs is
 * mounted, or a syscall function in its BTF (`__x64_sys_*`, or `__do_sys_*` for the
 * argument-less ones BTF keeps only under that name). */
export function kernelList(addon: NativeAddon): string[] {
  const have = new Set<string>();
  for (const dir of ['/sys/kernel/tracing/events/syscalls', '/sys/kernel/debug/tracing/events/syscalls']) {
    try {
      for (const e of readdirSync(dir)) if (e.startsWith('sys_enter_')) have.add(e.slice('sys_enter_'.length));
      break;
    } catch {
      // not mounted or not readable: BTF below
    }
  }
  for (const f of addon.listBtfFuncs()) {
    const m = /^(?:__x64_sys_|__do_sys_)(\w+)$/.exec(f);
    if (m) have.add(m[1]!);
  }
  return SYSCALLS_X86_64.filter((d) => have.has(KERNEL_NAMES[d.name] ?? d.name) || have.has(d.name)).map((d) => d.name);
}
