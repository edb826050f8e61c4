/**
 * The option table and the CLI's answers that need no eBPF: -s modes and limits, sizes, usage
 * errors (exit 1), the built-in list, and the privilege message (exit 2, no output created).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { captureDescriptors, SYSCALLS_X86_64, syscallByName } from '@vltrace/format';
import { normalizeOptions, parseSize, stringCapture, UsageError } from '../src/index.js';
import { parseArgs } from '../src/cli.js';
import { CAPTURE_SLOTS, syscallConfig } from '../src/syscalls.js';
import { CLI, noEbpf, PKG_DIR, tempDir } from './helpers.js';

function cli(args: string[], opts: { uid?: number } = {}) {
  const cmd = opts.uid === undefined ? process.execPath : 'setpriv';
  const pre = opts.uid === undefined ? [] : [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', process.execPath];
  return spawnSync(cmd, [...pre, CLI, ...args], { encoding: 'utf8', cwd: '/tmp', maxBuffer: 64 << 20 });
}

describe('the syscall configuration handed to the BPF program', () => {
  it('capture descriptors per syscall, and the entry/exit bits only where there are some', () => {
    const nr = (name: string) => syscallByName(name)!.nr;
    const { conf, captures } = syscallConfig(new Set(SYSCALLS_X86_64.map((d) => d.nr)));
    const CAP_ENTRY = 0x400;
    const CAP_EXIT = 0x800;
    const bits = (name: string) => conf[nr(name)]! & (CAP_ENTRY | CAP_EXIT);
    assert.equal(bits('getppid'), 0, 'nothing to read: the common path');
    assert.equal(bits('write'), CAP_ENTRY);
    assert.equal(bits('fstat'), CAP_EXIT);
    assert.equal(bits('poll'), CAP_ENTRY | CAP_EXIT);
    for (const name of ['write', 'fstat', 'execve', 'rt_sigreturn']) {
      assert.deepEqual(captures.subarray(nr(name) * CAPTURE_SLOTS, (nr(name) + 1) * CAPTURE_SLOTS), captureDescriptors(nr(name)), name);
    }
    // every syscall's bits agree with its descriptors
    for (const d of SYSCALLS_X86_64) {
      const desc = captureDescriptors(d.nr);
      const want = (desc.subarray(0, 6).some((v) => v) ? CAP_ENTRY : 0) | (desc.subarray(6).some((v) => v) ? CAP_EXIT : 0);
      assert.equal(conf[d.nr]! & (CAP_ENTRY | CAP_EXIT), want, d.name);
    }
  });
});

describe('options', () => {
  it('-s picks the string mode and its limits as vltrace(1) says', () => {
    assert.deepEqual(stringCapture(32), { mode: 'fast', length: 32, max: 382, chunks: 1 });
    assert.deepEqual(stringCapture(126), { mode: 'fast', length: 126, max: 382, chunks: 1 });
    assert.deepEqual(stringCapture(127), { mode: 'packet', length: 127, max: 382, chunks: 1 });
    assert.deepEqual(stringCapture(382), { mode: 'packet', length: 382, max: 382, chunks: 1 });
    // N = ceil((length + 1) / 383), max N * 383 - 1
    assert.deepEqual(stringCapture(383), { mode: 'full', length: 383, max: 765, chunks: 2 });
    assert.deepEqual(stringCapture(4096), { mode: 'full', length: 4096, max: 4212, chunks: 11 });
    assert.deepEqual(stringCapture(1000, 'const'), { mode: 'const', length: 1000, max: 1148, chunks: 3 });
    assert.throws(() => stringCapture(0), UsageError);
    assert.throws(() => stringCapture(100_000), UsageError);
  });

  it('--ring-size takes K/M/G and rounds up to a power of two', () => {
    assert.equal(parseSize('8M'), 8 << 20);
    assert.equal(parseSize('16MiB'), 16 << 20);
    assert.equal(parseSize('100000'), 131072);
    assert.equal(parseSize('1'), 4096);
    assert.throws(() => parseSize('lots'), UsageError);
  });

  it('normalises: system-wide without command or -p, -p excludes a command, bin needs -o', () => {
    const o = normalizeOptions({ _: [], output: 'x.bin' });
    assert.equal(o.systemWide, true);
    assert.equal(o.format, 'bin');
    assert.equal(o.syscalls.size, SYSCALLS_X86_64.length);
    assert.equal(normalizeOptions({ _: ['ls'] }).format, 'text');
    assert.throws(() => normalizeOptions({ _: ['ls'], pid: [1] }), /exclude/);
    assert.throws(() => normalizeOptions({ _: ['ls'], format: 'bin' }), /needs -o/);
    assert.throws(() => normalizeOptions({ _: ['ls'], expr: 'nosuchcall' }), /-e: invalid system call/);
    assert.deepEqual([...normalizeOptions({ _: ['ls'], expr: 'open,close' }).syscalls].sort(), [2, 3]);
  });
});

describe('the command line (@vltrace/format/cli over the OPTIONS table)', () => {
  // every key normalizeOptions reads
  const KEYS = ['output', 'timestamp', 'format', 'hexSeparator', 'failed', 'expr', 'fullFollowFork', 'stringArgs', 'stringMode',
    'pid', 'ebpfSrcDir', 'ringSize', 'debug', 'stats', '_'] as const;
  const pick = (a: object) => Object.fromEntries(KEYS.map((k) => [k, (a as Record<string, unknown>)[k]]).filter(([, v]) => v !== undefined && v !== false));
  const DEFAULTS = { hexSeparator: ' ', expr: 'all', stringArgs: 126, stringMode: 'auto', ringSize: '16M' };

  it('reads options up to the command, which keeps its own words', () => {
    const lines: [string[], object][] = [
      [['-o', 'x.bin', '--', 'true'], { output: 'x.bin', _: ['true'] }],
      [['-o', 'x.bin', 'ls', '-l', '-o', 'y'], { output: 'x.bin', _: ['ls', '-l', '-o', 'y'] }],
      [['-fX', '-t', '-d', '--stats', 'ls'], { fullFollowFork: true, failed: true, timestamp: true, debug: true, stats: true, _: ['ls'] }],
      [['-s200', '--string-mode=const', '-e', '%file', '-l', 'hex', '-K', '|', 'mkdir', '.'],
        { stringArgs: 200, stringMode: 'const', expr: '%file', format: 'hex', hexSeparator: '|', _: ['mkdir', '.'] }],
      [['-p', '12,13', '-p', '14', '-o', 'x'], { pid: [12, 13, 14], output: 'x', _: [] }],
      [['-o', 'x', '--', '--', 'ls'], { output: 'x', _: ['--', 'ls'] }],
      [['echo', '0x10', '1e3', '007'], { _: ['echo', '0x10', '1e3', '007'] }],
      [[], { _: [] }],
    ];
    for (const [argv, want] of lines) assert.deepEqual(pick(parseArgs(argv)), { ...DEFAULTS, ...want }, JSON.stringify(argv));
  });

  it('says what is wrong in its own words', () => {
    const wrong: [string[], RegExp][] = [
      [['--no-such-option'], /^unknown option '--no-such-option'$/],
      [['-o'], /^-o needs a value \(FILE\)$/],
      [['-o', '-x', 'ls'], /^-o needs a value/],
      [['-o', 'a', '-o', 'b', 'ls'], /^-o given twice$/],
      [['-s', 'abc', 'ls'], /^-s: 'abc' is not a whole number$/],
      [['-s', '-5', 'ls'], /^-s needs a value/],
      [['-l', 'csv', 'ls'], /^-l: 'csv' is not one of bin, text, hex$/],
      [['-p', '1,x'], /^-p: 'x' is not a whole number$/],
      [['--debug=yes', 'ls'], /^--debug takes no value/],
      [['-ff', '-o', 'x', 'ls'], /^-ff \(one output file per process\) is not supported/],
    ];
    for (const [argv, re] of wrong) {
      assert.throws(() => parseArgs(argv), (e: Error) => re.test(e.message) && !/NaN|yargs|\[default/.test(e.message), JSON.stringify(argv));
    }
  });
});

describe('vltrace-record CLI without eBPF', () => {
  it('usage errors exit 1: the message, then where to read more (the style of the three CLIs)', () => {
    for (const args of [['--no-such-option'], ['-p', '1', '-o', 'x', '--', 'ls'], ['-ff', '-o', 'x', 'true']]) {
      const r = cli(args);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^vltrace-record: [^\n]+\nTry 'vltrace-record --help' for more information\.\n$/, r.stderr);
    }
  });

  it('--version and -V print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as { version: string };
    for (const v of ['--version', '-V']) {
      const r = cli([v]);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `vltrace-record ${version}\n`);
    }
  });

  it('--completion prints a bash script that completes the options and their choices', () => {
    const script = cli(['--completion']).stdout;
    const complete = (...words: string[]) => spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _vltrace_record; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n');
    assert.deepEqual(complete('vltrace-record', '--st').sort(), ['--stats', '--string-args', '--string-mode']);
    assert.deepEqual(complete('vltrace-record', '-l', '').sort(), ['bin', 'hex', 'text']);
    assert.ok(complete('vltrace-record', '-').includes('--full-follow-fork'));
  });

  it('--help lists every option of vltrace(1) and says that no command and no -p records the whole system', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const o of ['-o', '-t', '-l', '-K', '-X', '-e', '-f', '-s', '-p', '-N', '-d', '-h', '-V', '-L', '-R', '-B', '--ring-size', '--stats', '--completion']) {
      assert.ok(r.stdout.includes(o), `--help mentions ${o}`);
    }
    assert.match(r.stdout.replace(/\s+/g, ' '), /with neither, of every process on the system/);
  });

  it('-B prints the built-in syscall table', () => {
    const r = cli(['-B']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim().split('\n').length, SYSCALLS_X86_64.length);
    assert.match(r.stdout, /^ {2}0 read\(fd, buf, count\)$/m);
  });

  it('-L lists the syscalls of the running kernel, -R its BTF functions (no privileges needed)', { skip: noEbpf() }, () => {
    const l = cli(['-L'], { uid: 65534 });
    assert.equal(l.status, 0, l.stderr);
    const names = new Set(l.stdout.trim().split('\n'));
    for (const n of ['read', 'openat', 'getpid', 'execve', 'rt_sigreturn']) assert.ok(names.has(n), `-L has ${n}`);
    assert.ok(names.size > 300 && names.size <= SYSCALLS_X86_64.length);
    const r = cli(['-R'], { uid: 65534 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^__x64_sys_openat$/m);
  });

  it('without privileges: one line, exit 2, no output, no libbpf messages, no setcap of the system\'s node', { skip: process.getuid?.() !== 0 && 'needs root to drop to nobody' }, () => {
    const dir = tempDir();
    try {
      const out = join(dir, 'denied.bin');
      const r = cli(['-o', out, '--', 'true'], { uid: 65534 });
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^vltrace-record: not permitted to load eBPF programs \(EPERM\): run it as root/);
      assert.match(lines[0]!, /CAP_BPF/);
      // capabilities on the system's node would reach every Node program: never advised
      assert.doesNotMatch(r.stderr, /setcap/);
      assert.equal(existsSync(out), false, 'no half-written output');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without privileges, -d shows libbpf\'s messages and the core\'s as well', { skip: process.getuid?.() !== 0 && 'needs root to drop to nobody' }, () => {
    const dir = tempDir();
    try {
      const r = cli(['-d', '-o', join(dir, 'denied.bin'), '--', 'true'], { uid: 65534 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^libbpf: /m);
      assert.match(r.stderr, /^Failed to load BPF object: Operation not permitted$/m);
      assert.match(r.stderr, /^vltrace-record: not permitted to load eBPF programs \(EPERM\)/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
