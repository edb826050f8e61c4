// vltrace-query spawned for real: stdout, stderr and exit codes, every --format, bad inputs, bad SQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';
import { writeParquetWithDuckDB } from './duck-writer.js';
import { COMMANDS, parser, quickArgs, type Command, type ReportArgs } from '../src/cli.js';

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

test('usage errors: exit 1 with a hint', () => {
  const none = run();
  assert.equal(none.code, 1);
  assert.match(none.err, /name a report/);
  const unknown = run('sumary', pq);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /Unknown command|Did you mean summary/);
  const sort = run('summary', pq, '-S', 'bogus');
  assert.equal(sort.code, 1);
  assert.match(sort.err, /-S bogus: unknown sort key/);
  const fmt = run('summary', pq, '--format', 'xml');
  assert.equal(fmt.code, 1);
  assert.match(fmt.err, /Invalid values/);
  const help = run('--help');
  assert.equal(help.code, 0);
  for (const r of ['summary', 'failed', 'slow', 'files', 'procs', 'lost', 'sql']) assert.match(help.out, new RegExp(`vltrace-query ${r}`));
});

test('quickArgs (no yargs) reads plain command lines exactly as yargs does, and leaves it the rest', async () => {
  /** what yargs hands to a report: captured instead of running it */
  const viaYargs = async (argv: string[]) => {
    let got: { command: Command; args: ReportArgs } | undefined;
    await (await parser(argv, async (command, args) => void (got = { command, args }))).parseAsync();
    return got!;
  };
  const pick = (c: Command, a: ReportArgs) =>
    Object.fromEntries(['input', 'query', ...Object.keys(COMMANDS[c].options)].map((k) => [k, a[k as keyof ReportArgs]]).filter(([, v]) => v !== undefined));
  const taken: string[][] = [
    ['summary', 'run.bin'],
    ['summary', 'a.bin', 'b.parquet', '--format', 'json', '-S', 'calls', '-w', '--per-pid'],
    ['summary', 'run.bin', '-e', '%file', '--pid', '12'],
    ['summary', 'run.bin', '--cache-dir', '/tmp/c', '--refresh', '--format=csv'],
    ['failed', 'run.bin', '--examples', '5', '-p', '1', '-p', '2'],
    ['slow', 'run.bin', '-n', '3', '--expr', 'read,write'],
    ['files', 'run.bin', '--paths-only'],
    ['procs', 'run.bin', '-p', '100'],
    ['lost', 'run.bin', '--format', 'markdown'],
    ['sql', 'SELECT 1', 'run.bin', 'ds/'],
  ];
  const left: string[][] = [
    [], ['--help'], ['summary', '--help'], ['sumary', 'run.bin'], ['summary'], ['sql', 'SELECT 1'],
    ['summary', 'run.bin', '--bogus'], ['summary', 'run.bin', '--format', 'xml'], ['summary', '-p', '12', 'run.bin'],
    ['slow', 'run.bin', '-n', 'ten'], ['summary', 'run.bin', '--no-refresh'], ['summary', '--', 'run.bin'],
    ['failed', 'run.bin', '--examples', '1', '--examples', '2'], ['procs', 'run.bin', '-e', 'read'],
  ];
  for (const argv of taken) {
    const q = quickArgs(argv);
    assert.ok(q, `quickArgs takes ${JSON.stringify(argv)}`);
    const y = await viaYargs(argv);
    assert.equal(q.command, y.command);
    assert.deepEqual(pick(q.command, q.args), pick(y.command, y.args), JSON.stringify(argv));
  }
  for (const argv of left) assert.equal(quickArgs(argv), undefined, `quickArgs leaves ${JSON.stringify(argv)} to yargs`);
  // and the command line that goes through quickArgs works end to end
  const r = run('summary', pq, '--format', 'json', '-S', 'calls');
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { syscall: string }[])[0]!.syscall, 'openat');
});
