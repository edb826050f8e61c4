/**
 * Helpers of the recorder tests: they run the real vltrace-record against the running kernel
 * (as root in CI), a C test program built here, and read the logs back with @vltrace/format.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTrace, type Syscall, type TraceItem } from '@vltrace/format';

/** The package directory (from dist/test/helpers.js). */
export const PKG_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(PKG_DIR, 'bin', 'vltrace-record.js');
export const PROG_SRC = join(PKG_DIR, 'test', 'prog', 'syscalls.c');
export const CAPTURES_SRC = join(PKG_DIR, 'test', 'prog', 'captures.c');
export const FDS_SRC = join(PKG_DIR, 'test', 'prog', 'fds.c');

/**
 * Why eBPF recording cannot be tested here, or undefined. Tests never skip silently: they skip
 * only when VLTRACE_NO_EBPF=1 says so explicitly, and fail with the reason otherwise.
 */
export function noEbpf(): string | false {
  if (process.env['VLTRACE_NO_EBPF'] === '1') return 'VLTRACE_NO_EBPF=1: eBPF recording tests skipped';
  return false;
}

/** Throws a clear error when the environment cannot run the recorder at all. */
export function requireEbpf(): void {
  const missing: string[] = [];
  if (process.arch !== 'x64') missing.push(`x86-64 (this is ${process.arch})`);
  if (!existsSync('/sys/kernel/btf/vmlinux')) missing.push('kernel BTF (/sys/kernel/btf/vmlinux)');
  if (process.getuid?.() !== 0) missing.push('root (or CAP_BPF + CAP_PERFMON)');
  if (!existsSync(join(PKG_DIR, '../../native/build/Release/vltrace.node'))) missing.push('the native addon (make -C native)');
  if (missing.length) {
    throw new Error(`eBPF recording tests need ${missing.join(', ')}; set VLTRACE_NO_EBPF=1 to skip them explicitly`);
  }
}

/** A new temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vltrace-rec-'));
}

const built = new Map<string, string>();

/** Compiles a test program once per process; returns the binary. */
function buildC(src: string, name: string): string {
  const done = built.get(src);
  if (done) return done;
  const dir = tempDir();
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, name);
  execFileSync('cc', ['-O2', '-o', out, src, '-lpthread'], { stdio: 'inherit' });
  built.set(src, out);
  return out;
}

/** test/prog/syscalls.c, built. */
export function buildProg(): string {
  return buildC(PROG_SRC, 'syscalls');
}

/** test/prog/captures.c (calls with memory behind their arguments), built. */
export function buildCaptures(): string {
  return buildC(CAPTURES_SRC, 'captures');
}

/** test/prog/fds.c (calls that make descriptors, reporting what /proc names them), built. */
export function buildFds(): string {
  return buildC(FDS_SRC, 'fds');
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs vltrace-record with args in cwd (trace.h lands beside the output). */
export function runRecorder(args: string[], cwd: string, timeoutMs = 60_000): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts vltrace-record without waiting (for -p, system-wide and signals). */
export function startRecorder(args: string[], cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<RunResult>((res) =>
    child.on('exit', (status, signal) => res({ status, signal, stdout: '', stderr })));
  return { child, done, stderr: () => stderr };
}

/** Everything in a log: syscalls, events and the reader's stats. */
export interface Log {
  syscalls: Syscall[];
  events: TraceItem[];
  warnings: string[];
  header: Awaited<ReturnType<typeof openTrace>>['header'];
  stats: Awaited<ReturnType<typeof openTrace>>['stats'];
}

export async function readLog(file: string): Promise<Log> {
  const t = await openTrace(file);
  const syscalls: Syscall[] = [];
  const events: TraceItem[] = [];
  const { batchSyscalls } = await import('@vltrace/format');
  for await (const item of t.items()) {
    if (item.type === 'syscalls') syscalls.push(...batchSyscalls(item.batch, t.header));
    else events.push(item);
  }
  return { syscalls, events, warnings: t.warnings.map((w) => w.message), header: t.header, stats: t.stats };
}

const PREFIX = '/vlt-nonexistent/';

/** The path syscalls.c's path_of(len, tag) makes. */
export function pathOf(len: number, tag: string): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    if (i < PREFIX.length) s += PREFIX[i];
    else if (i === PREFIX.length) s += tag;
    else s += i % 200 === 199 ? '/' : String.fromCharCode(97 + (i % 26));
  }
  return s;
}

/** Is the test program's process: the pid that exec'd it. */
export function progPids(log: Log, prog: string): Set<number> {
  const pids = new Set<number>();
  for (const e of log.events) if (e.type === 'exec' && e.filename === prog) pids.add(e.pid);
  return pids;
}

const OUR_PROGS = new Set([
  'handle_sys_enter', 'handle_sys_ente', 'handle_sys_exit', 'handle_fork', 'handle_exec', 'handle_exit',
  'handle_signal_deliver', 'handle_signal_d', 'handle_signal_generate', 'handle_signal_g',
]);

/**
 * Program ids held by other processes that load vltrace's addon: recorders other than the one
 * under test, running on the same machine at the same time (fd → fdinfo's prog_id, of program
 * and link fds alike). A leak of the recorder under test is held by no such process: by nothing
 * once it exited, or by its command had the command inherited the fds.
 */
function heldByOtherRecorders(mine: readonly number[]): Set<number> {
  const held = new Set<number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || mine.includes(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/maps`, 'utf8').includes('vltrace.node')) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (!readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('anon_inode:bpf')) continue;
        const id = /^prog_id:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
        if (id) held.add(Number(id));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return held;
}

/** vltrace's BPF programs still loaded, and links still attaching them (bpftool, as JSON),
 * but those of other recorders running meanwhile (`mine`: recorders of this test, counted). */
export function leftoverBpf(mine: readonly number[] = []): string[] {
  const show = (what: string) => {
    const r = spawnSync('/usr/sbin/bpftool', ['-j', what, 'show'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bpftool ${what} show failed: ${r.stderr}`);
    return JSON.parse(r.stdout || '[]') as { id: number; name?: string; prog_id?: number }[];
  };
  // the kernel keeps 15 bytes of a name; bpftool shows the full one from BTF when it can
  const progs = show('prog').filter((p) => p.name !== undefined && OUR_PROGS.has(p.name));
  const links = show('link');
  const others = heldByOtherRecorders(mine);
  const left = progs.filter((p) => !others.has(p.id));
  const ids = new Set(left.map((p) => p.id));
  const leftLinks = links.filter((l) => l.prog_id !== undefined && ids.has(l.prog_id));
  return [...left.map((p) => `prog ${p.id} ${p.name}`), ...leftLinks.map((l) => `link ${l.id} -> prog ${l.prog_id}`)];
}

/** leftoverBpf() once the kernel freed what was released: links go at once, programs after
 * an RCU grace period (tracing programs wait for their trampoline), within about a second. */
export async function leftoverBpfSettled(ms = 5000): Promise<string[]> {
  let left = leftoverBpf();
  assertNoLinks(left);
  for (let t = 0; t < ms && left.length; t += 100) {
    await new Promise((res) => setTimeout(res, 100));
    left = leftoverBpf();
  }
  return left;
}

function assertNoLinks(left: string[]): void {
  const links = left.filter((l) => l.startsWith('link'));
  if (links.length) throw new Error(`BPF links still attached after the recorder exited: ${links.join(', ')}`);
}
