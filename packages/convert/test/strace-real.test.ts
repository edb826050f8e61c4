// The strace sink against real strace: the same program runs once under `strace -f` and once
// under the eBPF recorder; strace's lines and the sink's lines of the recording must agree call
// by call (name, decoded arguments, result), apart from what a recording cannot hold, which is
// masked and counted (strace-compare.ts). Needs strace, cc and the native recorder (root);
// without the recorder this FAILS unless VLTRACE_NO_EBPF=1 says to skip it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { openTrace } from '@vltrace/format';
import { createStraceSink } from '../src/sinks/strace.js';
import { compareRuns, pairProcesses, parseStrace, signalLines, type Comparison, type SignalLine } from './strace-compare.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)); // from dist/test/
const ADDON = join(ROOT, 'native/build/Release/vltrace.node');
const VLT_START = join(ROOT, 'native/build/vlt-start');
const RECORDER = join(ROOT, 'packages/recorder/bin/vltrace-record.js');
const SOURCE = join(ROOT, 'packages/convert/test/strace-fixtures/calls.c');
const SIGNALS_SOURCE = join(ROOT, 'packages/convert/test/strace-fixtures/signals.c');

/** Why the comparison cannot run here, or undefined. */
function missing(): string | undefined {
  if (!existsSync(ADDON) || !existsSync(VLT_START) || !existsSync(RECORDER)) {
    return `the native recorder is not built (${[ADDON, VLT_START, RECORDER].filter((f) => !existsSync(f)).join(', ')} missing): ` +
      'build it (npm run build; make -C native) or set VLTRACE_NO_EBPF=1 to skip the comparison with real strace';
  }
  if (spawnSync('strace', ['-V']).status !== 0) return 'strace is not installed (apt-get install strace)';
  if (process.getuid?.() !== 0) return 'recording with eBPF needs root (or CAP_BPF and CAP_PERFMON)';
  return undefined;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.signal) throw new Error(`${cmd} ${args.join(' ')}: killed by ${r.signal}: ${r.stderr}`);
}

async function straceOfRecording(file: string, decodeFds: boolean): Promise<string> {
  const trace = await openTrace(file);
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _e, cb) {
      text += chunk.toString('latin1');
      cb();
    },
  });
  const sink = createStraceSink(out, { header: trace.header, followForks: true, decodeFds });
  for await (const item of trace.items()) await sink.write(item);
  await sink.close();
  return text;
}

/** Runs `command` (relative to a fresh directory) under strace and under the recorder; compares. */
async function compareCommand(t: TestContext, name: string, command: string[], decodeFds: boolean, prepare?: (dir: string) => void): Promise<Comparison> {
  const dir = mkdtempSync(join(tmpdir(), `vlt-strace-${name}-`));
  try {
    prepare?.(dir);
    mkdirSync(join(dir, 'scratch'), { recursive: true });
    const yflag = decodeFds ? ['-y'] : [];
    run('strace', ['-f', '-qq', '-e', 'signal=none', ...yflag, '-o', 'strace.txt', ...command], dir);
    run(process.execPath, [RECORDER, '-f', '-s', '4096', '-o', 'rec.bin', ...command], dir);
    const straceText = readFileSync(join(dir, 'strace.txt'), 'latin1');
    const ours = await straceOfRecording(join(dir, 'rec.bin'), decodeFds);
    const samePath = (real: string, lexical: string) => {
      try {
        return realpathSync(lexical) === real;
      } catch {
        return false;
      }
    };
    const c = compareRuns(straceText, ours, { decodeFds, samePath });
    t.diagnostic(`${name}: strace ${c.straceCalls} calls, here ${c.oursCalls}; paired ${c.paired}: ${c.identical} identical, ` +
      `${c.equalMasked} equal with masks ${JSON.stringify(c.masks)}, ${c.mismatches.length} different; ` +
      `unpaired: ${c.unpaired.strace.length} strace, ${c.unpaired.ours.length} here`);
    for (const m of c.mismatches) t.diagnostic(`DIFF ${m.why}\n  strace: ${m.strace}\n  here:   ${m.ours}`);
    for (const l of c.unpaired.strace) t.diagnostic(`only in strace: ${l}`);
    for (const l of c.unpaired.ours) t.diagnostic(`only here: ${l}`);
    return c;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertAgree(c: Comparison, minShare: number, minIdentical: number): void {
  assert.deepEqual(c.mismatches, [], 'calls decoded differently from strace');
  assert.ok(c.paired >= minShare * c.straceCalls, `only ${c.paired} of strace's ${c.straceCalls} calls found a partner`);
  // a guard against masks hiding everything: many lines must be equal without any
  assert.ok(c.identical >= minIdentical * c.paired, `only ${c.identical} of ${c.paired} lines identical`);
}

const why = missing();
const skip = why !== undefined && process.env.VLTRACE_NO_EBPF === '1' ? why : false;

test('the sink agrees with strace on a program of common calls (fixtures/calls.c)', { skip }, async (t) => {
  if (why) assert.fail(why);
  const prepare = (dir: string) => {
    const cc = spawnSync('cc', ['-O1', '-w', '-o', join(dir, 'calls'), SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  };
  assertAgree(await compareCommand(t, 'calls', ['./calls', 'scratch'], false, prepare), 0.98, 0.5);
  assertAgree(await compareCommand(t, 'calls-y', ['./calls', 'scratch'], true, prepare), 0.98, 0.4);
});

test('the sink agrees with strace on sh, ls and cat', { skip }, async (t) => {
  if (why) assert.fail(why);
  const sh = ['/bin/sh', '-c', 'ls -la /usr > /dev/null; cat /etc/passwd | wc -l > /dev/null; exit 4'];
  // ls and cat read much into buffers, and with -y most libraries sit behind the /lib symlink
  assertAgree(await compareCommand(t, 'sh', sh, false), 0.95, 0.15);
  assertAgree(await compareCommand(t, 'sh-y', sh, true), 0.95, 0.1);
});

test('signal lines agree with strace: the same lines in each thread, each after the same call (fixtures/signals.c)', { skip }, async (t) => {
  if (why) assert.fail(why);
  const dir = mkdtempSync(join(tmpdir(), 'vlt-strace-signals-'));
  try {
    // without PIE: fault addresses (SIGILL, SIGFPE) are the same in both runs
    const cc = spawnSync('cc', ['-O1', '-w', '-no-pie', '-o', join(dir, 'signals'), SIGNALS_SOURCE, '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
    run('strace', ['-f', '-qq', '-o', 'strace.txt', './signals'], dir);
    run(process.execPath, [RECORDER, '-f', '-o', 'rec.bin', './signals'], dir);
    const straceText = readFileSync(join(dir, 'strace.txt'), 'latin1');
    const ours = await straceOfRecording(join(dir, 'rec.bin'), false);
    // threads of the two runs paired by their calls; pids inside the lines (si_pid) renamed alike
    const [sp, vp] = pairProcesses(parseStrace(straceText), parseStrace(ours));
    const renamed = (byPid: Map<number, SignalLine[]>, pids: number[]) => {
      const name = new Map(pids.map((p, k) => [p, `PID${k}`]));
      return new Map([...byPid].map(([pid, list]) => [name.get(pid) ?? String(pid),
        list.map((l) => `${l.line.replace(/si_pid=(\d+)/, (_m, n: string) => `si_pid=${name.get(Number(n)) ?? n}`)} after ${l.after}`)]));
    };
    const S = renamed(signalLines(straceText), sp);
    const V = renamed(signalLines(ours), vp);
    const count = (m: Map<string, string[]>) => [...m.values()].reduce((n, l) => n + l.length, 0);
    t.diagnostic(`strace: ${count(S)} signal lines in ${S.size} threads; here: ${count(V)} in ${V.size}`);
    for (const [pid, list] of S) {
      const mine = V.get(pid) ?? [];
      list.forEach((l, k) => l !== mine[k] && t.diagnostic(`${pid} #${k}\n  strace: ${l}\n  here:   ${mine[k]}`));
    }
    assert.deepEqual(V, S);
    // every kind the program makes: kill, tkill, sigqueue, timer, the kernel's (alarm, faults, SIGPIPE, SIGIO), SIGCHLD, made-up ones
    assert.equal(count(S), 40);
    const all = [...S.values()].flat().join('\n');
    for (const want of ['SI_USER', 'SI_TKILL', 'SI_QUEUE', 'SI_TIMER', 'SI_KERNEL', 'CLD_EXITED', 'CLD_KILLED', 'SEGV_MAPERR', 'FPE_INTDIV',
      'ILL_ILLOPN', 'BUS_ADRERR', 'POLL_IN', 'SYS_SECCOMP', 'si_utime=5 /* 0.05 s */']) assert.ok(all.includes(want), want);
    // no SIGKILL line: ptrace never shows one, and neither does the recording
    assert.ok(!ours.includes('--- SIGKILL'));
    assert.match(ours, /\+\+\+ killed by SIGKILL \+\+\+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
