/**
 * The option table and the CLI's answers that need no eBPF: -s modes and limits, sizes, usage
 * errors (exit 1), the built-in list, and the privilege message (exit 2, no output created).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SYSCALLS_X86_64 } from '@vltrace/format';
import { normalizeOptions, parseSize, stringCapture, UsageError } from '../src/index.js';
import { quickParse, yargsParse } from '../src/cli.js';
import { CLI, noEbpf, tempDir } from './helpers.js';

function cli(args: string[], opts: { uid?: number } = {}) {
  const cmd = opts.uid === undefined ? process.execPath : 'setpriv';
  const pre = opts.uid === undefined ? [] : [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', process.execPath];
  return spawnSync(cmd, [...pre, CLI, ...args], { encoding: 'utf8', cwd: '/tmp', maxBuffer: 64 << 20 });
}

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

describe('quickParse (the start-up path without yargs)', () => {
  // every key normalizeOptions reads
  const KEYS = ['output', 'timestamp', 'format', 'hexSeparator', 'failed', 'expr', 'fullFollowFork', 'stringArgs', 'stringMode',
    'pid', 'ebpfSrcDir', 'ringSize', 'debug', 'stats', '_'] as const;
  const pick = (a: object) => Object.fromEntries(KEYS.map((k) => [k, (a as Record<string, unknown>)[k]]).filter(([, v]) => v !== undefined));

  it('gives what yargs gives for the lines it takes, and leaves the others to yargs', async () => {
    const lines: [string[], boolean][] = [
      [['-o', 'x.bin', '--', 'true'], true],
      [['-o', 'x.bin', 'ls', '-l', '-o', 'y'], true],
      [['-f', '-X', '-t', '-d', '--stats', '-o', 'x', '--', 'ls'], true],
      [['-fX', 'ls'], true],
      [['-f', '-s', '4096', '--string-mode', 'const', '-e', '%file', '-l', 'hex', '-K', '|', 'mkdir', '.'], true],
      [['--output=x.bin', '--ring-size', '8M', '--expr=open,close', '-N', '/tmp', 'ls'], true],
      [['-p', '12', '-p', '13', '-o', 'x'], true],
      [['-p', '12'], true],
      [['-o', 'x', '--', '--', 'ls'], true],
      [['-o', 'x', '--', '-e', '0x10', '007'], true],
      [['echo', '0x10', '1e3', '007'], true],
      [['-K', ' ', '-l', 'text', 'true'], true],
      [[], true],
      // yargs' own: help, lists, bundles with values, repeats, negations, odd values, errors
      [['--help'], false], [['-h'], false], [['-L'], false], [['-B'], false], [['-R'], false],
      [['-s126', 'ls'], false], [['-fs', '10', 'ls'], false], [['-o=x', 'ls'], false],
      [['-o', 'a', '-o', 'b', 'ls'], false], [['--no-debug', 'ls'], false], [['-d', 'false', 'ls'], false], [['-f', 'true'], false],
      [['--debug=true', 'ls'], false], [['-s', '0x10', 'ls'], false], [['-s', '-5', 'ls'], false], [['-s', '1.5', 'ls'], false],
      [['-s', '', 'ls'], false], [['-o', '', 'ls'], false], [['-K', '-', 'ls'], false], [['-o', '-x', 'ls'], false],
      [['-p', '12', '13'], false], [['-l', 'csv', 'ls'], false], [['--stringArgs', '10', 'ls'], false], [['--no-such-option'], false],
      [['-o'], false], [['-s', '0126', 'ls'], false],
    ];
    for (const [argv, quick] of lines) {
      const q = quickParse(argv);
      assert.equal(q !== undefined, quick, `quickParse ${quick ? 'takes' : 'leaves'} ${JSON.stringify(argv)}`);
      if (!q) continue;
      assert.deepEqual(pick(q), pick(await yargsParse(argv)), JSON.stringify(argv));
    }
  });
});

describe('vltrace-record CLI without eBPF', () => {
  it('usage errors exit 1 with a hint', () => {
    const r = cli(['--no-such-option']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Unknown argument|no-such-option/);
    assert.match(r.stderr, /--help/);
    assert.equal(cli(['-p', '1', '-o', 'x', '--', 'ls']).status, 1);
  });

  it('--help lists every option of vltrace(1)', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const o of ['-o', '-t', '-l', '-K', '-X', '-e', '-f', '-s', '-p', '-N', '-d', '-h', '-L', '-R', '-B', '--ring-size', '--stats']) {
      assert.ok(r.stdout.includes(o), `--help mentions ${o}`);
    }
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
