// The packages as a user gets them: `npm pack` of the five workspaces (which must warn about
// nothing), the tarballs installed into an empty project, and the installed commands record a
// real command with eBPF (the prebuilt addon of @vltrace/native), convert it to strace lines and
// Parquet, and query it. Then the fallbacks: without @vltrace/native vltrace-record says in one
// line what recording needs; without the prebuilt files `npm rebuild` builds the addon from the
// package's sources, and that build records too. Needs root, BTF and the npm registry (the
// third-party dependencies come from npm's cache when they are there).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // from test/dist/
const PACKAGES = ['@vltrace/format', '@vltrace/convert', '@vltrace/recorder', '@vltrace/query', '@vltrace/native'];
const COMMANDS = ['vltrace-record', 'vltrace-convert', 'vltrace-query'];
/** npm install of five tarballs and their registry dependencies; a source build of the addon */
const NPM_TIMEOUT_MS = 300_000;
/** What the prebuilt addon may need from the system: libc and libstdc++ level, and libelf/zlib,
 * which libbpf needs and every distribution has (libbpf itself is linked in statically). */
const SYSTEM_LIBS = new Set(['linux-vdso.so.1', 'libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1',
  'ld-linux-x86-64.so.2', 'libelf.so.1', 'libz.so.1']);

const work = mkdtempSync(join(tmpdir(), 'vltrace-pack-'));
const packs = join(work, 'packs');
const project = join(work, 'project');
const bin = (name: string): string => join(project, 'node_modules/.bin', name);
const nativeDir = join(project, 'node_modules/@vltrace/native');
after(() => rmSync(work, { recursive: true, force: true }));

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs a program to its end (asynchronously: the test runner's timers go on). */
function run(file: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function ok(r: Run, what: string): Run {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stderr}`);
  return r;
}

/** The recording test, the same for the prebuilt and the source-built addon: -f, so the shell's
 * children are in the log, with one call that succeeds and one that fails. */
async function recordAndCheck(name: string): Promise<void> {
  const rec = join(project, `${name}.bin`);
  const r = ok(await run(bin('vltrace-record'), ['-f', '-o', rec, '--', 'sh', '-c',
    'cat /etc/hostname >/dev/null; ls /nonexistent-vltrace-pack 2>/dev/null; exit 0'], project), 'vltrace-record');
  assert.match(r.stderr, /^vltrace-record: \d+ syscalls recorded, 0 lost$/m);

  const strace = ok(await run(bin('vltrace-convert'), [rec, '--to', 'strace'], project), 'vltrace-convert --to strace').stdout;
  assert.match(strace, /openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = \d+/);
  assert.match(strace, /"\/nonexistent-vltrace-pack".* = -1 ENOENT \(No such file or directory\)/);
  assert.match(strace, /execve\("\/usr\/bin\/cat", \["cat", "\/etc\/hostname"\]/);
  // the decoding thread (its bundled code, dist/bundle) writes the same lines
  const threaded = ok(await run(bin('vltrace-convert'), [rec, '--to', 'strace', '--threads'], project), 'vltrace-convert --threads').stdout;
  assert.equal(threaded, strace);

  const parquet = join(project, `${name}.parquet`);
  const p = ok(await run(bin('vltrace-convert'), [rec, '--to', 'parquet', '-o', parquet], project), 'vltrace-convert --to parquet');
  assert.match(p.stderr, /wrote \d+ rows/);
  assert.equal(readFileSync(parquet).subarray(0, 4).toString(), 'PAR1');

  const summary = ok(await run(bin('vltrace-query'), ['summary', rec], project), 'vltrace-query summary').stdout;
  assert.match(summary, /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+\s+\d*\s*openat$/m);
  assert.match(summary, /^\s*100\.00\s+[\d.]+\s+\d+\s+\d+\s+\d+\s+total$/m);
}

test('npm pack of the five packages warns about nothing and ships what they need', { timeout: NPM_TIMEOUT_MS }, async () => {
  mkdirSync(packs);
  // the published workspaces by name (@vltrace/testkit is a private workspace, for the tests)
  const r = ok(await run('npm', ['pack', ...PACKAGES.flatMap((p) => ['-w', p]), '--pack-destination', packs, '--json'], ROOT, NPM_TIMEOUT_MS), 'npm pack');
  const warnings = r.stderr.split('\n').filter((l) => /\bwarn/i.test(l));
  assert.deepEqual(warnings, [], 'npm pack warned');
  // stdout is --json's array alone (the prepack scripts print on stderr)
  const packed = JSON.parse(r.stdout) as { name: string; files: { path: string; mode: number }[] }[];
  assert.deepEqual(packed.map((p) => p.name).sort(), [...PACKAGES].sort());
  for (const p of packed) {
    const paths = new Set(p.files.map((f) => f.path));
    assert.ok(paths.has('LICENSE') && paths.has('README.md') && paths.has('package.json'), `${p.name}: LICENSE, README.md`);
    if (p.name !== '@vltrace/native') assert.ok(paths.has('dist/src/index.js'), `${p.name} ships its dist`);
  }
  const native = packed.find((p) => p.name === '@vltrace/native')!;
  for (const f of ['prebuilds/linux-x64/node.napi.glibc.node', 'prebuilds/linux-x64/vlt-start', 'prebuilds/linux-x64/libbpf.LICENSE',
    'gen/vltrace.bpf.o', 'gen/vltrace.skel.h', 'include/trace.h', 'binding.gyp']) {
    assert.ok(native.files.some((x) => x.path === f), `@vltrace/native ships ${f}`);
  }
  const prebuilt = native.files.filter((x) => x.path.startsWith('prebuilds/')).map((x) => x.path).sort();
  assert.deepEqual(prebuilt, ['prebuilds/linux-x64/libbpf.LICENSE', 'prebuilds/linux-x64/node.napi.glibc.node',
    'prebuilds/linux-x64/vlt-start'], 'no shared library beside the addon');
  assert.equal(readdirSync(packs).filter((f) => f.endsWith('.tgz')).length, PACKAGES.length);
});

test('the tarballs install into an empty project, with the commands and the prebuilt addon', { timeout: NPM_TIMEOUT_MS }, async () => {
  const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));
  assert.equal(tarballs.length, PACKAGES.length, 'the packs of the test before');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project);
  // allowScripts: npm 11 warns about install scripts nobody approved (npm 12 skips them)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vltrace-pack-test', private: true, allowScripts: { '@vltrace/native': true } }));
  ok(await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs], project, NPM_TIMEOUT_MS), 'npm install');
  for (const c of COMMANDS) assert.ok(existsSync(bin(c)), `node_modules/.bin/${c}`);
  assert.ok(!existsSync(join(nativeDir, 'build')), 'the prebuilt addon loads: nothing was built at install');

  // the prebuilt addon needs nothing from the system but libc/libstdc++-level libraries, libelf
  // and zlib: libbpf is inside it, none of its functions left for the dynamic linker to find
  const addon = join(nativeDir, 'prebuilds/linux-x64/node.napi.glibc.node');
  const ldd = ok(await run('ldd', [addon], project), 'ldd').stdout;
  const deps = ldd.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((l) => l && !l.startsWith('/'));
  assert.deepEqual(deps.filter((d) => !SYSTEM_LIBS.has(d)), [], ldd);
  assert.ok(deps.includes('libelf.so.1') && deps.includes('libz.so.1'), ldd);
  assert.doesNotMatch(ldd, /libbpf|not found/);
  const undefinedSyms = ok(await run('nm', ['-D', '--undefined-only', addon], project), 'nm -D').stdout;
  assert.match(undefinedSyms, /\belf_begin\b/, 'libbpf\'s own needs (libelf) are what is left undefined');
  assert.doesNotMatch(undefinedSyms, /\b(bpf_|libbpf_|btf__|ring_buffer__)\w*/, 'no libbpf function is left undefined');
  const definedSyms = ok(await run('nm', ['-D', '--defined-only', addon], project), 'nm -D').stdout;
  assert.match(definedSyms, /\bnapi_register_module_v1\b/);
  assert.doesNotMatch(definedSyms, /\b(bpf_|libbpf_|btf__|ring_buffer__)\w*/, 'the libbpf inside is not exported');
  assert.match(readFileSync(join(nativeDir, 'prebuilds/linux-x64/libbpf.LICENSE'), 'utf8'), /BSD-2-Clause[\s\S]*Redistributions in binary form/);

  // source maps carry their sources (src/ is not shipped)
  const map = JSON.parse(readFileSync(join(project, 'node_modules/@vltrace/convert/dist/src/index.js.map'), 'utf8')) as { sourcesContent?: string[] };
  assert.ok(map.sourcesContent?.[0]?.includes('export'), 'index.js.map has sourcesContent');
});

test('installed: record with eBPF (prebuilt addon), convert to strace lines and Parquet, query', { timeout: 120_000 }, async () => {
  await recordAndCheck('prebuilt');
});

test('installed without @vltrace/native: vltrace-record says in one line what recording needs, exit 2', async () => {
  const aside = join(work, 'native-aside');
  renameSync(nativeDir, aside);
  try {
    const r = await run(bin('vltrace-record'), ['-o', join(project, 'none.bin'), '--', 'true'], project);
    assert.equal(r.status, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^vltrace-record: eBPF recording needs Linux on x86-64 with BTF: the package @vltrace\/native is not installed/);
    assert.equal(lines[0]!.split('vltrace-record').length, 2, 'the program named once');
  } finally {
    renameSync(aside, nativeDir);
  }
});

test('installed: without the prebuilt files, npm rebuild builds the addon from the package sources, and it records', { timeout: NPM_TIMEOUT_MS }, async () => {
  rmSync(join(nativeDir, 'prebuilds'), { recursive: true });
  const r = ok(await run('npm', ['rebuild', '@vltrace/native', '--foreground-scripts', '--loglevel=error'], project, NPM_TIMEOUT_MS), 'npm rebuild');
  assert.match(r.stderr + r.stdout, /building from source with node-gyp/);
  assert.ok(existsSync(join(nativeDir, 'build/Release/vltrace.node')) && existsSync(join(nativeDir, 'build/Release/vlt-start')));
  await recordAndCheck('source');
});
