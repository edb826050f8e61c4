// vltrace-query spawned for real: stdout, stderr and exit codes, every --format, bad inputs, bad SQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';
import { writeParquetWithDuckDB } from './duck-writer.js';

const CLI = fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url));
const dir = tmpDir('vq-cli-');
const bin = writeTrace(buildFixture(), 'fixture.bin', dir);
const pq = join(dir, 'fixture.parquet');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  await writeParquetWithDuckDB(bin, pq);
});

test('summary prints strace -c\'s table', () => {
  const r = run('summary', pq);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0]!, /^% time\s+seconds\s+usecs\/call\s+calls\s+errors syscall$/);
  assert.match(lines[1]!, /^-+ -+ -+ -+ -+ -+$/);
  assert.match(lines.at(-1)!, /^100\.00\s+0\.\d{6}\s+\d+\s+23\s+5 total$/);
  assert.match(r.out, /^\s*\d+\.\d\d\s+0\.000200\s+\d+\s+2\s+1 wait4$/m);
});

test('--format json, csv and markdown', () => {
  const j = run('summary', pq, '--format', 'json');
  assert.equal(j.code, 0, j.err);
  const rows = JSON.parse(j.out) as { syscall: string; calls: number; errors: number }[];
  assert.equal(rows.find((r) => r.syscall === 'openat')!.calls, 5);
  const c = run('failed', pq, '--format', 'csv');
  assert.equal(c.code, 0, c.err);
  const [head, ...body] = c.out.trimEnd().split('\r\n');
  assert.equal(head, 'syscall,errno,errnoName,message,count,pids,paths,distinctPaths,example,examplePid');
  assert.equal(body.length, 5);
  assert.ok(body.some((l) => l.startsWith('openat,2,ENOENT,No such file or directory,1,1,"[""/nonexistent""]"')));
  const m = run('procs', pq, '--format', 'markdown');
  assert.equal(m.code, 0, m.err);
  assert.match(m.out, /^\| pid \| ppid \| comm \|/);
  assert.match(m.out, /\| {3}└─ 101 \| 100 \| ls \| exit 2 \|/);
  for (const report of ['slow', 'files', 'lost']) {
    for (const format of ['table', 'json', 'csv', 'markdown']) {
      const r = run(report, pq, '--format', format);
      assert.equal(r.code, 0, `${report} --format ${format}: ${r.err}`);
      assert.ok(r.out.length > 0);
    }
  }
});

test('sql runs DuckDB over the syscalls and processes views', () => {
  const r = run('sql', "SELECT syscall, count(*) AS n FROM syscalls WHERE errno_name = 'ENOENT' GROUP BY ALL ORDER BY syscall", pq, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [{ syscall: 'openat', n: 1 }, { syscall: 'rename', n: 1 }]);
  const p = run('sql', 'SELECT pid, ppid, exit_code, exit_signal FROM processes ORDER BY pid', pq, '--format', 'csv');
  assert.equal(p.out, 'pid,ppid,exit_code,exit_signal\r\n100,,0,\r\n101,100,2,\r\n103,,,9\r\n');
});

test('bad SQL: DuckDB\'s message, exit 1, no stack trace', () => {
  const r = run('sql', 'SELECT nope FROM syscalls', pq);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^vltrace-query: Binder Error: Referenced column "nope" not found/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('bad input: which file and what is wrong, exit 2', () => {
  const missing = run('summary', join(dir, 'nope.bin'));
  assert.equal(missing.code, 2);
  assert.equal(missing.err, `vltrace-query: ${join(dir, 'nope.bin')}: no such file or directory\n`);
  const junk = join(dir, 'junk.bin');
  writeFileSync(junk, 'this is not a recording at all, just some text\n');
  const bad = run('summary', junk);
  assert.equal(bad.code, 2);
  assert.match(bad.err, new RegExp(`^vltrace-query: ${junk}: not a vltrace recording or Parquet file: offset 0: expected`));
  assert.doesNotMatch(bad.err, /\n\s+at /);
  const empty = join(dir, 'empty.parquet');
  writeFileSync(empty, '');
  assert.equal(run('summary', empty).code, 2);
  const emptyDir = tmpDir('vq-empty-');
  const d = run('summary', emptyDir);
  assert.equal(d.code, 2);
  assert.match(d.err, /no Parquet files in this directory/);
});

test('usage errors: exit 1, the message and where to read more (the style of the three CLIs)', () => {
  const cases: [string[], RegExp][] = [
    [[], /name a report/],
    [['sumary', pq], /^unknown report 'sumary' \(did you mean summary\?\)$/],
    [['summary', pq, '-S', 'bogus'], /-S bogus: unknown sort key/],
    [['summary', pq, '--format', 'xml'], /^--format: 'xml' is not one of table, json, csv, markdown$/],
    [['summary', pq, '--format'], /^--format needs one of/],
    [['summary', pq, '-p', '1,x'], /^-p: 'x' is not a whole number$/],
    [['summary', pq, '--bogus'], /^unknown option '--bogus'$/],
    [['sql', pq], /^sql: give at least one input/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.code, 1, args.join(' '));
    const [msg, hint, ...more] = r.err.split('\n');
    assert.match(msg!.replace(/^vltrace-query: /, ''), re, r.err);
    assert.ok(msg!.startsWith('vltrace-query: '));
    assert.equal(hint, "Try 'vltrace-query --help' for more information.");
    assert.deepEqual(more, ['']);
  }
  const help = run('--help');
  assert.equal(help.code, 0);
  for (const r of ['summary', 'failed', 'slow', 'files', 'procs', 'lost', 'sql']) assert.match(help.out, new RegExp(`vltrace-query ${r}`));
  const sub = run('slow', '--help');
  assert.equal(sub.code, 0);
  for (const o of ['-n, --top', '-p, --pid', '--format', '--cache-dir']) assert.ok(sub.out.includes(o), o);
});

test('-p takes lists as vltrace-convert does: 1,2 and repeats', () => {
  for (const p of [['-p', '100,101'], ['-p', '100', '-p', '101'], ['--pid=100,101']]) {
    const s = run('summary', pq, ...p, '--format', 'json');
    assert.equal(s.code, 0, s.err);
    const one = run('summary', pq, '-p', '100', '--format', 'json');
    const two = run('summary', pq, '-p', '101', '--format', 'json');
    const calls = (o: string) => (JSON.parse(o) as { syscall: string; calls: number }[]).filter((x) => x.syscall !== 'total').reduce((n, x) => n + x.calls, 0);
    assert.equal(calls(s.out), calls(one.out) + calls(two.out), p.join(' '));
    assert.ok(calls(one.out) > 0 && calls(two.out) > 0);
  }
});

test('--version, -V and --completion (reports first, then their options)', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const v of ['--version', '-V']) assert.equal(run(v).out, `vltrace-query ${version}\n`);
  const script = run('--completion').out;
  const complete = (...words: string[]) => spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _vltrace_query; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.deepEqual(complete('vltrace-query', 's').sort(), ['slow', 'sql', 'summary']);
  assert.deepEqual(complete('vltrace-query', 'slow', '--t').sort(), ['--top']);
  assert.deepEqual(complete('vltrace-query', 'summary', '--format', '').sort(), ['csv', 'json', 'markdown', 'table']);
});
