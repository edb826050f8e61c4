/**
 * The syscall table as the BPF program sees it (the sc_conf map: enabled, argument count,
 * string arguments, captures per number; the sc_cap map: what to read behind the pointer
 * arguments) and the lists of -L, -R and -B.
 */
import { readdirSync } from 'node:fs';
import { captureDescriptors, MAX_ARGS, SYSCALLS_X86_64, stringArgMask, type HeaderSyscall } from './format.js';
import type { NativeAddon } from './native.js';

/** Entries of the sc_conf array map (VLT_MAX_SYSCALLS in native/include/vltrace.h). */
export const MAX_SYSCALLS = 1024;
/** VLT_SC_* bits of native/include/vltrace.h. */
const SC_ENABLED = 0x1;
const SC_NARGS_SHIFT = 1;
const SC_STRMASK_SHIFT = 4;
const SC_CAP_ENTRY = 0x400;
const SC_CAP_EXIT = 0x800;
/** Descriptors per syscall in the sc_cap map: entry then exit, one per argument (VLT_CAP_SLOTS). */
export const CAPTURE_SLOTS = 2 * MAX_ARGS;

/**
 * sc_conf values for a set of syscall numbers, the value for numbers not in the table, and the
 * capture descriptors of the capture table (CAPTURE_SLOTS per number; the SC_CAP_* bits tell
 * the BPF program which syscalls have any, so the others pay only a bit test).
 */
export function syscallConfig(selected: ReadonlySet<number>): { conf: Uint32Array; unknown: number; captures: Uint32Array } {
  const conf = new Uint32Array(MAX_SYSCALLS);
  const captures = new Uint32Array(MAX_SYSCALLS * CAPTURE_SLOTS);
  const known = new Set<number>();
  let all = true;
  for (const d of SYSCALLS_X86_64) {
    known.add(d.nr);
    const on = selected.has(d.nr);
    all &&= on;
    if (d.nr < MAX_SYSCALLS) {
      const desc = captureDescriptors(d.nr);
      captures.set(desc, d.nr * CAPTURE_SLOTS);
      const entry = desc.subarray(0, MAX_ARGS).some((v) => v !== 0);
      const exit = desc.subarray(MAX_ARGS).some((v) => v !== 0);
      conf[d.nr] = (on ? SC_ENABLED : 0) | d.args.length << SC_NARGS_SHIFT | stringArgMask(d.nr) << SC_STRMASK_SHIFT |
        (entry ? SC_CAP_ENTRY : 0) | (exit ? SC_CAP_EXIT : 0);
    }
  }
  // numbers the table does not know: traced (with 6 raw arguments) only when everything is
  const unknown = all ? SC_ENABLED | MAX_ARGS << SC_NARGS_SHIFT : 0;
  for (let nr = 0; nr < MAX_SYSCALLS; nr++) if (!known.has(nr)) conf[nr] = unknown;
  return { conf, unknown, captures };
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
