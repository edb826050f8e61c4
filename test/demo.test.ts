/**
 * `npm run demo` (scripts/demo), the README's first command: it prints every command it runs as
 * `$ …`, exactly as it runs, so that pasting the lines in the repository's directory does the
 * same thing; its temporary directory is gone afterwards, unless VLTRACE_DEMO_DIR asked to keep
 * the files. Where this machine cannot record, the demo converts samples/sh-fork.bin instead.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ebpfMissing, ROOT, tempDir } from './support.js';

const DEMO = join(ROOT, 'scripts/demo');
/** The recording's magic (FORMAT.md) */
const MAGIC = 'VLTRACE\0';

interface Step {
  /** the command line as printed, without `$ ` */
  readonly command: string;
  /** what the command printed on stdout */
  readonly output: string;
}

interface Demo {
  readonly stdout: string;
  readonly stderr: string;
  readonly steps: Step[];
}

function runDemo(env: Record<string, string> = {}): Demo {
  const r = spawnSync('bash', [DEMO], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const steps: Step[] = [];
  let current: { command: string; lines: string[] } | undefined;
  const close = () => current && steps.push({ command: current.command, output: current.lines.map((l) => `${l}\n`).join('') });
  for (const line of r.stdout.split('\n').slice(0, -1)) {
    if (line.startsWith('$ ') || line.startsWith('== ')) {
      close();
      current = line.startsWith('$ ') ? { command: line.slice(2), lines: [] } : undefined;
    } else if (current) {
      current.lines.push(line);
    }
  }
  close();
  return { stdout: r.stdout, stderr: r.stderr, steps };
}

/** Runs a printed command line the way a user pasting it would: sh, in the repository. */
function replay(command: string) {
  return spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

const canRecord = ebpfMissing().length === 0;
const RECORD = /^node_modules\/\.bin\/vltrace-record -f -s 4096 -o (\S+)\/run\.bin -- sh -c '[^']+'$/;

describe('npm run demo', () => {
  const kept = tempDir('vltrace-demo-kept-');
  after(() => rmSync(kept, { recursive: true, force: true }));

  it('prints the commands it runs, and removes its temporary directory', () => {
    const demo = runDemo();
    const commands = demo.steps.map((s) => s.command);
    assert.equal(commands.length, 4, demo.stdout);
    const dir = RECORD.exec(commands[0]!)?.[1];
    assert.ok(dir, `the recording command: ${commands[0]}`);
    assert.match(dir, /\/vltrace-demo\.[A-Za-z0-9]{6}$/);
    const bin = canRecord ? `${dir}/run.bin` : 'samples/sh-fork.bin';
    if (!canRecord) assert.match(demo.stdout, /eBPF recording is not possible here/);
    assert.deepEqual(commands.slice(1), [
      `node_modules/.bin/vltrace-convert ${bin} --to strace -tt -T | head -n 25`,
      `node_modules/.bin/vltrace-convert ${bin} --to parquet -o ${dir}/run.parquet`,
      `node_modules/.bin/vltrace-query summary ${bin}`,
    ]);
    assert.equal(demo.steps[1]!.output.split('\n').length, 26, 'the first 25 strace lines');
    assert.match(demo.steps[1]!.output, /^\d+ +\d\d:\d\d:\d\d\.\d{6} execve\("\/(usr\/)?bin\/sh", \["sh", "-c", /);
    assert.match(demo.steps[3]!.output, /^100\.00 .* total$/m);
    assert.equal(existsSync(dir), false, `${dir} removed`);
    assert.match(demo.stdout, new RegExp(`${dir} removed`));
  });

  it('with VLTRACE_DEMO_DIR the files are kept there, and each printed command, pasted, does what the demo did', () => {
    const demo = runDemo({ VLTRACE_DEMO_DIR: kept });
    const [record, strace, parquet, summary] = demo.steps;
    assert.ok(record && strace && parquet && summary, demo.stdout);
    assert.equal(RECORD.exec(record.command)?.[1], kept);
    assert.match(demo.stdout, new RegExp(`the files are kept in ${kept}`));
    assert.equal(existsSync(join(kept, 'run.parquet')), true);
    if (canRecord) assert.equal(readFileSync(join(kept, 'run.bin')).subarray(0, 8).toString('latin1'), MAGIC);
    // the conversions and the summary of the same recording print the same again
    for (const step of [strace, parquet, summary]) {
      const r = replay(step.command);
      assert.equal(r.status, 0, `${step.command}: ${r.stderr}`);
      assert.equal(r.stdout, step.output, step.command);
    }
    // the recording again: the command's own output, a new recording in its place
    const r = replay(record.command);
    assert.equal(r.status, canRecord ? 0 : 2, r.stderr);
    if (canRecord) {
      assert.equal(r.stdout, record.output);
      assert.match(r.stderr, /syscalls recorded, 0 lost/);
    }
  });
});
