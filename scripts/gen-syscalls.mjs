#!/usr/bin/env node
/**
 * Generates the x86_64 syscall and errno tables of @vltrace/format from real
 * sources on this machine (run as root: it uses tracefs):
 *
 *   packages/format/src/tables/syscalls.x86_64.ts
 *     numbers:    /usr/include/x86_64-linux-gnu/asm/unistd_64.h
 *     arguments:  tracefs syscall events of the running kernel
 *                 (events/syscalls/sys_enter_<name>/format)
 *     newer numbers: syscalls the running kernel has (tracefs) but the headers
 *                 don't are numbered by calling candidate numbers from a C
 *                 probe (scripts/syscall-probe.c) while tracing it
 *     classes:    %file/%desc from argument kinds, the rest from the lists in
 *                 packages/format/src/tables/classes.ts
 *   packages/format/src/tables/errno.ts
 *     names:      /usr/include/asm-generic/errno-base.h, errno.h, plus the
 *                 kernel-internal codes below
 *     messages:   glibc strerror() (printed by the probe), as strace shows them
 *
 * Output is deterministic: re-running on the same machine gives the same files.
 * Usage: node scripts/gen-syscalls.mjs   (npm run gen)
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TABLES = join(ROOT, 'packages/format/src/tables');
const PROBE_SRC = join(ROOT, 'scripts/syscall-probe.c');
const UNISTD_H = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
const VERSION_H = '/usr/include/linux/version.h';
const ERRNO_HS = ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h'];
const TRACEFS = '/sys/kernel/tracing';

/**
 * Numbering syscalls newer than the headers tries every number up to this one
 * that the headers don't assign (the 335-423 gap included: uretprobe/uprobe).
 */
const PROBE_MAX_NR = 520;

/**
 * Header names whose tracefs event is named after the kernel's SYSCALL_DEFINE
 * (the "new" stat/uname ABIs, sendfile64, and umount2 implemented as umount).
 */
const TRACEFS_NAME = {
  stat: 'newstat',
  lstat: 'newlstat',
  fstat: 'newfstat',
  uname: 'newuname',
  sendfile: 'sendfile64',
  umount2: 'umount',
};

/**
 * Header syscalls with no tracefs event on the running kernel, so their
 * arguments can't be read from it. Used only when tracefs lacks the event.
 * Signatures from the kernel sources named; for syscalls that never had an
 * implementation, generic arguments in the number strace's table gives them.
 */
const unimplemented = (n) =>
  Array.from({ length: n }, (_, i) => [`arg${i + 1}`, 'unsigned long']);
const NOT_IN_TRACEFS = {
  // kernel/sysctl_binary.c, removed in Linux 5.5
  _sysctl: [['args', 'struct __sysctl_args *']],
  // kernel/module.c of Linux 2.4, removed in 2.6
  create_module: [['name', 'const char *'], ['size', 'size_t']],
  get_kernel_syms: [['table', 'struct kernel_sym *']],
  query_module: [
    ['name', 'const char *'], ['which', 'int'], ['buf', 'void *'], ['bufsize', 'size_t'],
    ['ret', 'size_t *'],
  ],
  // kernel/module/main.c: not built (CONFIG_MODULES off)
  init_module: [['umod', 'void *'], ['len', 'unsigned long'], ['uargs', 'const char *']],
  finit_module: [['fd', 'int'], ['uargs', 'const char *'], ['flags', 'int']],
  delete_module: [['name_user', 'const char *'], ['flags', 'unsigned int']],
  // kernel/kexec.c, kernel/kexec_file.c: not built (CONFIG_KEXEC, CONFIG_KEXEC_FILE off)
  kexec_load: [
    ['entry', 'unsigned long'], ['nr_segments', 'unsigned long'],
    ['segments', 'struct kexec_segment *'], ['flags', 'unsigned long'],
  ],
  kexec_file_load: [
    ['kernel_fd', 'int'], ['initrd_fd', 'int'], ['cmdline_len', 'unsigned long'],
    ['cmdline_ptr', 'const char *'], ['flags', 'unsigned long'],
  ],
  // fs/dcookies.c, removed with oprofile
  lookup_dcookie: [['cookie64', 'u64'], ['buf', 'char *'], ['len', 'size_t']],
  // fs/exec.c: CONFIG_USELIB, removed
  uselib: [['library', 'const char *']],
  // arch/x86/kernel/tls.c: 32-bit ABI only, the x86_64 entries have no implementation
  get_thread_area: [['u_info', 'struct user_desc *']],
  set_thread_area: [['u_info', 'struct user_desc *']],
  // fs/nfsctl.c, removed in Linux 3.1
  nfsservctl: [['cmd', 'int'], ['arg', 'struct nfsctl_arg *'], ['res', 'void *']],
  // reserved numbers, never implemented
  afs_syscall: unimplemented(5),
  getpmsg: unimplemented(5),
  putpmsg: unimplemented(5),
  tuxcall: unimplemented(3),
  security: unimplemented(3),
  vserver: unimplemented(5),
  epoll_ctl_old: unimplemented(4),
  epoll_wait_old: unimplemented(4),
};

/**
 * Syscalls the class lists may name although the running kernel lacks them
 * (no tracefs event, no number in the headers: absent from the table).
 */
const OPTIONAL_SYSCALLS = new Set([
  'map_shadow_stack', // 453, only with CONFIG_X86_USER_SHADOW_STACK
]);

/**
 * Kernel-internal error codes (include/linux/errno.h, not in the uapi
 * headers). They only leak to a tracer, never to user space; strace prints the
 * restart codes as `? ERESTARTSYS (To be restarted if SA_RESTART is set)` and
 * the others with glibc's "Unknown error N".
 */
const KERNEL_ERRNO = [
  [512, 'ERESTARTSYS', 'To be restarted if SA_RESTART is set'],
  [513, 'ERESTARTNOINTR', 'To be restarted'],
  [514, 'ERESTARTNOHAND', 'To be restarted if no handler'],
  [515, 'ENOIOCTLCMD'],
  [516, 'ERESTART_RESTARTBLOCK', 'Interrupted by signal'],
  [517, 'EPROBE_DEFER'],
  [518, 'EOPENSTALE'],
  [519, 'ENOPARAM'],
  // 521-531: defined for NFS
  [521, 'EBADHANDLE'],
  [522, 'ENOTSYNC'],
  [523, 'EBADCOOKIE'],
  [524, 'ENOTSUPP'],
  [525, 'ETOOSMALL'],
  [526, 'ESERVERFAULT'],
  [527, 'EBADTYPE'],
  [528, 'EJUKEBOX'],
  [529, 'EIOCBQUEUED'],
  [530, 'ERECALLCONFLICT'],
  [531, 'ENOGRACE'],
];

// ---------------------------------------------------------------- arg kinds

/** `char *` argument names that hold a file name. */
const PATH_NAMES = new Set([
  'filename', 'pathname', 'path', 'oldname', 'newname', 'dev_name', 'dir_name',
  'from_pathname', 'to_pathname', 'new_root', 'put_old', 'special', 'specialfile', 'library',
]);
/** `char *` argument names that hold some other NUL-terminated string. */
const STRING_NAMES = new Set([
  'name', // xattr name, memfd/mq name, create_module...
  'uname', 'u_name', 'name_user',
  'type', '_type', '_description', '_callout_info', // mount fs type, key type/description
  '_fs_name', '_key', // fsopen, fsconfig
  'uargs', 'cmdline_ptr', // module parameters, kexec command line
]);
/** `char *` argument names that are buffers with a length, not strings. */
const BUFFER_NAMES = new Set(['buf', 'list', 'optval', 'shmaddr', 'u_msg_ptr', 'ubuf']);

/** Per-syscall exceptions to the name-based rules below. */
const KIND_OVERRIDES = {
  'acct.name': 'path',
  'umount2.name': 'path',
  'name_to_handle_at.name': 'path',
  'umask.mask': 'mode',
  'rseq.sig': 'uint', // a signature value, not a signal
  'eventfd.count': 'uint', // the counter's initial value
  'eventfd2.count': 'uint',
  // R_OK/W_OK/X_OK and FALLOC_FL_* bit sets, not file modes
  'access.mode': 'flags',
  'faccessat.mode': 'flags',
  'faccessat2.mode': 'flags',
  'fallocate.mode': 'flags',
  // memory policy numbers
  'set_mempolicy.mode': 'int',
  'mbind.mode': 'uint',
};

const FD_NAMES = new Set([
  'fd', 'fd_in', 'fd_out', 'fdin', 'fdout', 'in_fd', 'out_fd', 'oldfd', 'newfd', 'fildes',
  'epfd', 'ufd', 'fanotify_fd', 'group_fd', 'fs_fd', 'pidfd', 'ruleset_fd', 'mqdes',
  'kernel_fd', 'initrd_fd',
]);
/** Directory fds: AT_FDCWD allowed (open_by_handle_at accepts it for its mount fd too). */
const DIRFD_NAMES = new Set(['dfd', 'olddfd', 'newdfd', 'from_dfd', 'to_dfd', 'mountdirfd']);
const FLAGS_RE = /^(flags?|\w+_flags|\w+flg|prot|options|oflag|mask)$/;
const SIZE_NAMES = new Set([
  'len', 'count', 'size', 'bufsiz', 'bufsize', 'old_len', 'new_len', 'len_in', 'msgsz',
  'msg_len', 'plen', 'usize', 'argsz', 'rseq_len', 'cmdline_len', 'bytecount',
]);
const OFFSET_NAMES = new Set(['offset', 'pos', 'off', 'pos_l', 'pos_h', 'length']);
/** Integer arguments that carry an address. */
const ADDRESS_NAMES = new Set(['addr', 'start', 'brk', 'new_addr', 'tls', 'newsp', 'entry']);
/** Every scalar type seen in syscall prototypes; anything else must be looked at. */
const SCALAR_RE =
  /^(const )?(int|long|unsigned|unsigned (int|long|char)|(__)?[us](8|16|32|64)|size_t|loff_t|off_t|pid_t|uid_t|gid_t|umode_t|clockid_t|timer_t|key_t|key_serial_t|mqd_t|aio_context_t|qid_t|rwf_t|enum \w+)$/;
/** Typedefs of pointer types. */
const POINTER_TYPEDEF_RE = /^(const )?cap_user_(header|data)_t$/;
const UNSIGNED_RE = /^(const )?(unsigned\b|(__)?u(8|16|32|64)$|size_t|aio_context_t|qid_t)/;

function argKind(sys, name, ctype) {
  const override = KIND_OVERRIDES[`${sys}.${name}`];
  if (override) return override;
  if (ctype.includes('*') || POINTER_TYPEDEF_RE.test(ctype)) {
    if (/^(const )?char \*const \*$/.test(ctype)) return 'argv';
    if (/^(const )?char \*$/.test(ctype)) {
      if (PATH_NAMES.has(name)) return 'path';
      if (STRING_NAMES.has(name)) return 'string';
      if (BUFFER_NAMES.has(name)) return 'ptr';
      throw new Error(`${sys}(${ctype} ${name}): is it a path, a string or a buffer? Classify it.`);
    }
    return 'ptr';
  }
  if (!SCALAR_RE.test(ctype)) throw new Error(`${sys}(${ctype} ${name}): unclassified argument type`);
  if (FD_NAMES.has(name)) return 'fd';
  if (DIRFD_NAMES.has(name)) return 'dirfd';
  if (ctype === 'umode_t') return 'mode';
  if (/^(const )?pid_t$/.test(ctype) || name === 'pid') return 'pid';
  if (ctype === 'uid_t') return 'uid';
  if (ctype === 'gid_t') return 'gid';
  if (name === 'sig') return 'signal';
  if (FLAGS_RE.test(name)) return 'flags';
  if (/^(loff_t|off_t)$/.test(ctype) || OFFSET_NAMES.has(name)) return 'offset';
  if (ctype === 'size_t' || ctype === 'const size_t' || SIZE_NAMES.has(name)) return 'size';
  if (ADDRESS_NAMES.has(name)) return 'ptr';
  return UNSIGNED_RE.test(ctype) ? 'uint' : 'int';
}

// ------------------------------------------------------------------ sources

function readOrDie(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${e.message}`);
  }
}

/** `#define __NR_name nr` lines -> Map name -> nr. */
function parseUnistd(text) {
  const nrs = new Map();
  for (const m of text.matchAll(/^#define\s+__NR_(\w+)\s+(\d+)\s*$/gm)) nrs.set(m[1], Number(m[2]));
  if (nrs.size < 300) throw new Error(`${UNISTD_H}: only ${nrs.size} syscalls found`);
  return nrs;
}

function headersVersion() {
  const code = Number(/LINUX_VERSION_CODE\s+(\d+)/.exec(readOrDie(VERSION_H, 'kernel headers'))?.[1]);
  return `${code >> 16}.${(code >> 8) & 0xff}`;
}

function kernelVersion() {
  const release = readOrDie('/proc/sys/kernel/osrelease', 'kernel release').trim();
  return /^\d+\.\d+/.exec(release)?.[0] ?? release;
}

function ensureTracefs() {
  if (existsSync(join(TRACEFS, 'events/syscalls'))) return;
  if (!existsSync(join(TRACEFS, 'events'))) {
    try {
      execFileSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(
        `tracefs is not mounted on ${TRACEFS} and mounting it failed (${String(e.stderr || e.message).trim()}); ` +
          'run as root on a kernel with CONFIG_FTRACE_SYSCALLS',
      );
    }
  }
  if (!existsSync(join(TRACEFS, 'events/syscalls'))) {
    throw new Error(`${TRACEFS}/events/syscalls missing: kernel built without CONFIG_FTRACE_SYSCALLS?`);
  }
}

/** tracefs syscall events -> Map name -> [[argName, ctype]...]. */
function readTracefsSyscalls() {
  const dir = join(TRACEFS, 'events/syscalls');
  const events = new Map();
  for (const entry of readdirSync(dir).sort()) {
    const name = /^sys_enter_(\w+)$/.exec(entry)?.[1];
    if (!name) continue;
    const format = readOrDie(join(dir, entry, 'format'), 'tracefs format');
    // The syscall arguments are the fields after __syscall_nr.
    const fields = [...format.matchAll(/^\s*field:([^;]+);/gm)].map((m) => m[1].trim());
    const at = fields.findIndex((f) => /\b__syscall_nr$/.test(f));
    if (at < 0) throw new Error(`${entry}/format: no __syscall_nr field`);
    events.set(
      name,
      fields.slice(at + 1).map((f) => {
        const m = /^(.*?)\s*\b(\w+)$/.exec(f);
        if (!m) throw new Error(`${entry}/format: cannot parse field '${f}'`);
        return [m[2], normalizeCType(m[1])];
      }),
    );
  }
  if (events.size < 300) throw new Error(`${dir}: only ${events.size} sys_enter events`);
  return events;
}

/** `const void * *` -> `const void **`. */
const normalizeCType = (t) => t.replace(/\s+/g, ' ').replace(/\* (?=\*)/g, '*').trim();

// ------------------------------------------------------------------- probe

function compileProbe(dir) {
  const bin = join(dir, 'syscall-probe');
  try {
    execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', bin, PROBE_SRC], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`compiling ${PROBE_SRC} failed:\n${e.stderr || e.message}`);
  }
  return bin;
}

/**
 * Number the syscalls named in `unknown` (tracefs events without a header
 * number): run the probe on `candidates` in a private tracefs instance with
 * sys_enter_write (the probe's marker) and the unknown events enabled.
 * Returns Map name -> nr.
 */
async function probeNumbers(probe, candidates, unknown) {
  const inst = join(TRACEFS, 'instances', `vltrace-gen-${process.pid}`);
  const put = (file, value) => writeFileSync(join(inst, file), value);
  mkdirSync(inst);
  const cleanup = () => {
    // Best effort: the instance goes away with its buffer, events and pid filter.
    for (const [file, value] of [['events/enable', '0'], ['set_event_pid', '']]) {
      try {
        put(file, value);
      } catch {}
    }
    try {
      rmdirSync(inst);
    } catch (e) {
      console.error(`warning: could not remove tracefs instance ${inst}: ${e.message}`);
    }
  };
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  let child;
  try {
    child = spawn(probe, ['numbers', ...candidates.map(String)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((res, rej) => {
      child.on('error', rej);
      child.on('exit', (code, signal) => res({ code, signal }));
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    const pid = Number(first.value);
    if (first.done || !Number.isInteger(pid) || pid <= 0) {
      throw new Error(`syscall probe did not report its pid (got ${JSON.stringify(first.value)})`);
    }
    // Filter on the probe before enabling anything; event-fork adds its children.
    put('set_event_pid', String(pid));
    put('options/event-fork', '1');
    for (const name of ['write', ...unknown]) put(`events/syscalls/sys_enter_${name}/enable`, '1');
    put('tracing_on', '1');
    child.stdin.end('go\n');
    const { code, signal } = await exited;
    if (code !== 0) throw new Error(`syscall probe failed (exit ${code ?? signal})`);
    put('events/enable', '0');
    return parseProbeTrace(readFileSync(join(inst, 'trace'), 'utf8'), new Set(candidates));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    cleanup();
  }
}

/**
 * Pairs each marker `sys_write(fd: 0xffffffffffffffff, buf: 0, count: 0x1c3)` with
 * the next sys_enter event of the same task: that event is syscall 0x1c3.
 */
function parseProbeTrace(trace, candidates) {
  const counts = /entries-in-buffer\/entries-written: (\d+)\/(\d+)/.exec(trace);
  if (!counts || counts[1] !== counts[2]) {
    throw new Error(`tracefs lost events while probing (${counts?.[0] ?? 'no entry counts'})`);
  }
  const marker = new Map(); // pid -> nr announced by its last marker
  const found = new Map(); // name -> nr
  for (const line of trace.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const m = /-(\d+)\s+\[\d+\].*?:\s+sys_(\w+)\((.*)\)\s*$/.exec(line);
    if (!m) throw new Error(`unexpected trace line: ${line}`);
    const [, pid, name, args] = m;
    if (name === 'write') {
      if (!/\bfd: (0x)?(ffffffff){1,2}\b/.test(args)) continue; // not a marker (fd -1)
      const nr = parseInt(/\bcount: (?:0x)?([0-9a-f]+)/.exec(args)?.[1] ?? 'x', 16);
      if (!candidates.has(nr)) throw new Error(`marker for unexpected number: ${line}`);
      marker.set(pid, nr);
      continue;
    }
    const nr = marker.get(pid);
    if (nr === undefined) throw new Error(`sys_${name} without a preceding marker: ${line}`);
    marker.delete(pid);
    const seen = found.get(name);
    if (seen !== undefined && seen !== nr) throw new Error(`${name} seen as both ${seen} and ${nr}`);
    found.set(name, nr);
  }
  return found;
}

// ------------------------------------------------------------------ errno

function parseErrnoHeaders() {
  const byNum = new Map(); // num -> name
  const aliases = []; // [alias, num]
  const byName = new Map();
  for (const path of ERRNO_HS) {
    const text = readOrDie(path, 'errno header');
    for (const m of text.matchAll(/^#define\s+(E\w+)\s+(\d+|E\w+)\b/gm)) {
      const [, name, value] = m;
      if (/^\d+$/.test(value)) {
        const num = Number(value);
        if (byNum.has(num)) throw new Error(`${path}: errno ${num} defined twice`);
        byNum.set(num, name);
        byName.set(name, num);
      } else {
        const num = byName.get(value);
        if (num === undefined) throw new Error(`${path}: ${name} aliases unknown ${value}`);
        aliases.push([name, num]);
      }
    }
  }
  if (byNum.size < 100) throw new Error(`errno headers: only ${byNum.size} codes found`);
  return { byNum, aliases };
}

function strerrors(probe, from, to) {
  const out = execFileSync(probe, ['strerror', String(from), String(to)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, // no LANG/LC_*: C locale messages
  });
  return new Map(out.trimEnd().split('\n').map((l) => {
    const [n, msg] = l.split('\t');
    return [Number(n), msg];
  }));
}

// ---------------------------------------------------------------- classes

/** Order in which class bits are written: that of C in types.ts. */
const CLASS_KEYS = [
  'FILE', 'DESC', 'PROCESS', 'NETWORK', 'MEMORY', 'SIGNAL', 'IPC', 'CREDS', 'CLOCK',
  'STAT', 'LSTAT', 'FSTAT', 'STAT_ANY', 'STATFS', 'FSTATFS', 'STATFS_ANY', 'PURE',
];

/** The `KEY: ['name', ...]` entries between the gen:class-lists markers of classes.ts. */
function readClassLists() {
  const path = join(TABLES, 'classes.ts');
  const text = readOrDie(path, 'class lists');
  const block = /\/\/ <gen:class-lists>([\s\S]*?)\/\/ <\/gen:class-lists>/.exec(text)?.[1];
  if (!block) throw new Error(`${path}: gen:class-lists markers not found`);
  const code = block.replace(/\/\/.*$/gm, '');
  const lists = new Map();
  for (const m of code.matchAll(/\b([A-Z_]+):\s*\[([^\]]*)\]/g)) {
    if (!CLASS_KEYS.includes(m[1])) throw new Error(`${path}: unknown class ${m[1]}`);
    lists.set(m[1], new Set([...m[2].matchAll(/'(\w+)'/g)].map((s) => s[1])));
  }
  if (lists.size < 10) throw new Error(`${path}: could not read the class lists`);
  return lists;
}

function classesOf(def, lists) {
  const kinds = def.args.map((a) => a[2]);
  const keys = new Set();
  if (kinds.includes('path')) keys.add('FILE');
  if (kinds.includes('fd') || kinds.includes('dirfd')) keys.add('DESC');
  for (const [key, names] of lists) if (names.has(def.name)) keys.add(key);
  return CLASS_KEYS.filter((k) => keys.has(k));
}

// ------------------------------------------------------------------ output

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const HEADER = '// GENERATED by scripts/gen-syscalls.mjs -- do not edit; run `npm run gen` (as root).';

function emitSyscalls(defs, sources) {
  // one JSON row per line inside a string that JSON.parse reads at load: V8 parses JSON several
  // times faster than the same rows as an object literal, and vltrace-record loads this table
  // in front of the traced command's start
  const rows = defs.map((d) => {
    const row = JSON.stringify([d.nr, d.name, d.args, d.classes, ...(d.note ? [d.note] : [])]);
    if (/[\\`]|\$\{/.test(row)) throw new Error(`${d.name}: a backslash, backquote or \${ in its row`);
    return row;
  });
  return `${HEADER}
// Numbers: ${UNISTD_H} (kernel headers ${sources.headers}); numbers the
// headers lack, marked "probed", were found by calling them on Linux ${sources.kernel}.
// Arguments: tracefs syscall events of Linux ${sources.kernel}; rows marked
// "not in kernel" have no event there (see NOT_IN_TRACEFS in the script).
// Classes: %file/%desc from argument kinds, the rest from classes.ts.
// Rows: [nr, name, [[arg name, C type, kind], ...], [class names of C], note?], read with
// JSON.parse (faster to load than an object literal: the recorder's start waits for it).
import { C, type ClassKey, type SyscallArg, type SyscallDef } from './types.js';

type Row = [nr: number, name: string, args: SyscallArg[], classes: ClassKey[], note?: string];

export const SYSCALLS_X86_64: readonly SyscallDef[] = (JSON.parse(\`[
${rows.join(',\n')}
]\`) as Row[]).map(([nr, name, args, classes]) => ({ nr, name, args, classes: classes.reduce((bits, k) => bits | C[k], 0) }));
`;
}

function emitErrno(rows, aliases) {
  return `${HEADER}
// Names: ${ERRNO_HS.join(',\n//   ')},
//   and the kernel-internal codes of include/linux/errno.h.
// Messages: glibc strerror(), as strace prints them.

/** [errno, name, message], by number; aliases are in ERRNO_ALIASES. */
export const ERRNO: readonly (readonly [num: number, name: string, message: string])[] = [
${rows.map(([n, name, msg]) => `  [${n}, ${q(name)}, ${q(msg)}],`).join('\n')}
];

/** Second names of an errno, [alias, errno]: strace prints the primary name. */
export const ERRNO_ALIASES: readonly (readonly [alias: string, num: number])[] = [
${aliases.map(([a, n]) => `  [${q(a)}, ${n}],`).join('\n')}
];
`;
}

// -------------------------------------------------------------------- main

async function main() {
  const headerNrs = parseUnistd(readOrDie(UNISTD_H, 'syscall numbers'));
  ensureTracefs();
  const events = readTracefsSyscalls();
  const sources = { headers: headersVersion(), kernel: kernelVersion() };

  const defs = [];
  const usedEvents = new Set();
  const unmapped = [];
  for (const [name, nr] of headerNrs) {
    const event = events.has(name) ? name : TRACEFS_NAME[name];
    if (event && events.has(event)) {
      usedEvents.add(event);
      defs.push({ nr, name, raw: events.get(event) });
    } else if (NOT_IN_TRACEFS[name]) {
      defs.push({ nr, name, raw: NOT_IN_TRACEFS[name], note: `not in kernel ${sources.kernel}` });
    } else {
      unmapped.push(name);
    }
  }
  if (unmapped.length) {
    throw new Error(
      `header syscalls with no tracefs event: ${unmapped.join(', ')}; ` +
        'map them in TRACEFS_NAME or give their signature in NOT_IN_TRACEFS',
    );
  }

  const tmp = mkdtempSync(join(tmpdir(), 'vltrace-gen-'));
  try {
    const probe = compileProbe(tmp);

    // Syscalls of the running kernel the headers don't number.
    const unknown = [...events.keys()].filter((e) => !usedEvents.has(e));
    const knownNrs = new Set(headerNrs.values());
    const candidates = [];
    for (let n = 0; n <= PROBE_MAX_NR; n++) if (!knownNrs.has(n)) candidates.push(n);
    const probed = unknown.length ? await probeNumbers(probe, candidates, unknown) : new Map();
    const unnumbered = unknown.filter((e) => !probed.has(e));
    if (unnumbered.length) {
      throw new Error(
        `could not number these syscalls of the running kernel: ${unnumbered.join(', ')} ` +
          `(none of ${candidates[0]}..${PROBE_MAX_NR} outside the headers triggered their event)`,
      );
    }
    for (const [name, nr] of probed) defs.push({ nr, name, raw: events.get(name), note: 'probed' });

    const lists = readClassLists();
    for (const d of defs) {
      d.args = d.raw.map(([n, t]) => [n, t, argKind(d.name, n, t)]);
      d.classes = classesOf(d, lists);
    }
    defs.sort((a, b) => a.nr - b.nr);
    checkTable(defs, lists);

    const { byNum, aliases } = parseErrnoHeaders();
    const maxErrno = Math.max(...byNum.keys());
    const messages = strerrors(probe, 1, maxErrno);
    const kernelMessages = strerrors(probe, KERNEL_ERRNO[0][0], KERNEL_ERRNO.at(-1)[0]);
    const errnoRows = [...byNum].sort((a, b) => a[0] - b[0]).map(([n, name]) => [n, name, messages.get(n)]);
    for (const [n, name, msg] of KERNEL_ERRNO) errnoRows.push([n, name, msg ?? kernelMessages.get(n)]);

    writeFileSync(join(TABLES, 'syscalls.x86_64.ts'), emitSyscalls(defs, sources));
    writeFileSync(join(TABLES, 'errno.ts'), emitErrno(errnoRows, aliases));

    const gaps = [];
    for (let n = 0; n <= defs.at(-1).nr; n++) if (!defs.some((d) => d.nr === n)) gaps.push(n);
    console.log(
      `syscalls.x86_64.ts: ${defs.length} syscalls (headers ${sources.headers}, kernel ${sources.kernel})\n` +
        `  probed: ${[...probed].sort((a, b) => a[1] - b[1]).map(([n, nr]) => `${n}=${nr}`).join(' ')}\n` +
        `  renamed tracefs events: ${Object.entries(TRACEFS_NAME).map(([a, b]) => `${a}<-${b}`).join(' ')}\n` +
        `  not in kernel: ${defs.filter((d) => d.note?.startsWith('not')).map((d) => d.name).join(' ')}\n` +
        `  unused numbers: ${ranges(gaps)}\n` +
        `errno.ts: ${errnoRows.length} codes, ${aliases.length} aliases`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function checkTable(defs, lists) {
  const problems = [];
  const names = new Set();
  for (let i = 0; i < defs.length; i++) {
    const d = defs[i];
    if (i > 0 && defs[i - 1].nr === d.nr) problems.push(`number ${d.nr} twice`);
    if (names.has(d.name)) problems.push(`name ${d.name} twice`);
    names.add(d.name);
    if (d.args.length > 6) problems.push(`${d.name}: ${d.args.length} arguments`);
    if (d.classes.includes('PURE') && d.args.length) problems.push(`%pure ${d.name} takes arguments`);
  }
  for (const [key, list] of lists) {
    for (const name of list) {
      if (!names.has(name) && !OPTIONAL_SYSCALLS.has(name)) {
        problems.push(`classes.ts ${key}: no syscall '${name}'`);
      }
    }
  }
  if (problems.length) throw new Error(`inconsistent table:\n  ${problems.join('\n  ')}`);
}

const ranges = (ns) =>
  ns
    .reduce((acc, n) => {
      const last = acc.at(-1);
      if (last && last[1] === n - 1) last[1] = n;
      else acc.push([n, n]);
      return acc;
    }, [])
    .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    .join(' ') || 'none';

main().catch((e) => {
  console.error(`gen-syscalls: ${e.message}`);
  process.exit(1);
});
