/**
 * What the end-to-end tests share: where the repository's commands are, and the conditions for
 * recording with eBPF. These tests run the real chain (vltrace-record → vltrace-convert →
 * vltrace-query) against the running kernel, with strace as the reference.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (from test/dist/support.js). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RECORDER = join(ROOT, 'packages/recorder/bin/vltrace-record.js');
export const CONVERTER = join(ROOT, 'packages/convert/bin/vltrace-convert.js');
export const QUERY = join(ROOT, 'packages/query/bin/vltrace-query.js');
export const ADDON = join(ROOT, 'native/build/Release/vltrace.node');
export const VLT_START = join(ROOT, 'native/build/Release/vlt-start');
/** The C programs of these tests (test/prog, test/strace-fixtures): sources, compiled by the tests. */
export const PROG_DIR = join(ROOT, 'test/prog');
export const FIXTURES = join(ROOT, 'test/strace-fixtures');

/**
 * Why eBPF recording cannot be tested here, or undefined. Tests never skip silently: they skip
 * only when VLTRACE_NO_EBPF=1 says so explicitly, and fail with the reason otherwise.
 */
export function noEbpf(): string | false {
  return process.env['VLTRACE_NO_EBPF'] === '1' ? 'VLTRACE_NO_EBPF=1: eBPF recording tests skipped' : false;
}

/** What recording with eBPF needs and this machine lacks (empty when it can record). */
export function ebpfMissing(): string[] {
  const missing: string[] = [];
  if (process.arch !== 'x64') missing.push(`x86-64 (this is ${process.arch})`);
  if (!existsSync('/sys/kernel/btf/vmlinux')) missing.push('kernel BTF (/sys/kernel/btf/vmlinux)');
  if (process.getuid?.() !== 0) missing.push('root (or CAP_BPF + CAP_PERFMON)');
  for (const f of [ADDON, VLT_START]) if (!existsSync(f)) missing.push(`${f} (build it: bash scripts/setup)`);
  return missing;
}

/** Throws a clear error when this machine cannot record. */
export function requireEbpf(): void {
  const missing = ebpfMissing();
  if (missing.length) throw new Error(`recording with eBPF needs ${missing.join(', ')}; set VLTRACE_NO_EBPF=1 to skip these tests explicitly`);
}

/** A new temporary directory. */
export function tempDir(prefix = 'vltrace-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
