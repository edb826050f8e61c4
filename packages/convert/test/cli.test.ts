import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, PacketWriter } from '@vltrace/format';
import { ArgsError } from '@vltrace/format/cli';
import { convertArgs, OPTIONS } from '../src/cli.js';
import { COLUMN_NAMES, convert, ConvertError, FORMATS, InputError } from '../src/index.js';
import { duck, edgeCases, tmpPath, writeTrace } from './helpers.js';
import { synthesizeTrace } from '@vltrace/testkit';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/vltrace-convert.js');
const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '../../../../samples/ls.bin');

function run(args: string[], cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A recording whose packets go bad after `good` syscalls: a packet of size 12 (not a multiple of 8). */
async function badMidFile(name: string, good: number): Promise<string> {
  const ok = tmpPath(`${name}.ok.bin`);
  await synthesizeTrace(ok, { syscalls: good, seed: 1 });
  const bytes = readFileSync(ok);
  // drop the trailer (56 + 16 bytes for 2 CPUs), then garbage
  const w = new PacketWriter();
  w.trailer({ ts: 0n, events: 0n, written: 0n, lost: 0n, lostPerCpu: [0n, 0n] });
  const body = bytes.subarray(0, bytes.length - w.length);
  const junk = new Uint8Array(64);
  new DataView(junk.buffer).setUint32(0, 12, true);
  const p = tmpPath(`${name}.bin`);
  writeFileSync(p, Buffer.concat([body, junk, body.subarray(body.length - 4096)]));
  return p;
}

test('--help lists every option', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const [name, o] of Object.entries(OPTIONS)) {
    assert.ok(r.stdout.includes(`--${name}`), name);
    if ('short' in o) assert.ok(r.stdout.includes(`-${o.short},`), `-${o.short}`);
  }
  assert.ok(r.stdout.replace(/\s+/g, ' ').includes('one of: text, hex, strace, csv, jsonl, arrow, arrows, parquet'));
});

test('text formats go to stdout; no progress bar when stderr is not a terminal', () => {
  const file = writeTrace('cli-edge.bin', edgeCases());
  const r = run([file, '--to', 'csv', '-X']);
  assert.equal(r.code, 0, r.stderr);
  // losses are reported, never silent
  assert.equal(r.stderr, "vltrace-convert: note: the recorder lost 42 packets; the output has rows with status 'lost' where they were\n");
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1 + 4 + 3); // header + 4 failed calls + 3 signals (-X keeps them, as strace -Z does)
  assert.match(lines[1]!, /"openat",257,.*"ENOENT"/);
});

test('binary formats default to the input name beside it, written via a temporary name', () => {
  const file = writeTrace('cli-run.bin', edgeCases());
  const r = run([file, '--to', 'parquet']);
  assert.equal(r.code, 0, r.stderr);
  const out = join(dirname(file), 'cli-run.parquet');
  assert.ok(existsSync(out));
  assert.match(r.stderr, /wrote 12 rows to .*cli-run\.parquet/);
  assert.deepEqual(readdirSync(dirname(file)).filter((f) => f.startsWith('.') && f.includes('tmp')), []);
  assert.equal(run([file, '--to', 'arrows']).code, 0);
  assert.ok(existsSync(join(dirname(file), 'cli-run.arrows')));
});

test('usage errors: one sentence, exit 1, no stack', () => {
  const file = writeTrace('cli-usage.bin', edgeCases());
  for (const args of [[file, '--to', 'nope'], [file, '-e', 'nosuchcall'], [file, '--since', 'yesterday'], [file, '--bogus'], [], [file, '-p', 'abc'], [file, '--partition-by', 'pid']]) {
    const r = run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^vltrace-convert: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('bad input: the FormatError message with file and offset, exit 2', () => {
  const bad = tmpPath('cli-notatrace.bin');
  writeFileSync(bad, 'this is not a recording, just text long enough for a header...');
  const r = run([bad, '--to', 'csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cli-notatrace\.bin: offset 0: expected magic/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const missing = run([tmpPath('missing.bin')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*missing\.bin.*no such file/);
});

test('an input we may not read (EACCES, as an unprivileged user): one line naming it, exit 2', () => {
  // a world-readable directory holding a file of mode 0600 and a directory of mode 0700
  const open = mkdtempSync(join(tmpdir(), 'vlt-eacces-'));
  chmodSync(open, 0o755);
  const file = join(open, 'private.bin');
  copyFileSync(SAMPLE, file);
  chmodSync(file, 0o600);
  const closed = join(open, 'closed');
  mkdirSync(closed, { mode: 0o700 });
  const inClosed = join(closed, 'run.bin');
  copyFileSync(SAMPLE, inClosed);
  for (const [input, to] of [[file, 'jsonl'], [file, 'parquet'], [inClosed, 'csv']] as const) {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, input, '--to', to, '-o', join(tmpdir(), `vlt-eacces-${to}`)], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'setpriv runs');
    assert.equal(r.status, 2, `${input} (${to}): ${r.stderr}`);
    assert.equal(r.stderr, `vltrace-convert: cannot read '${input}': permission denied (EACCES)\n`);
  }
});

test('an input the system will not read as a file, in the decoding thread too: an InputError, not a bug', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-isdir-'));
  for (const threads of [false, true]) {
    const err = await convert({ inputs: [dir], to: 'csv', output: join(dir, 'out.csv'), threads }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof InputError, `threads: ${threads}: ${String(err)}`);
    assert.deepEqual([err.file, err.code, err.message], [dir, 'EISDIR', `cannot read '${dir}': it is a directory`]);
  }
  assert.deepEqual(readdirSync(dir), [], 'no output left');
});

test('META without a valid clock: a FormatError naming the field, in every format and through the CLI (exit 2, one line)', async () => {
  const bytes = readFileSync(SAMPLE);
  const metaLen = bytes.readUInt32LE(28);
  const meta = JSON.parse(bytes.subarray(32, 32 + metaLen).toString()) as Record<string, unknown>;
  const cases: [string, unknown][] = [['missing', undefined], ['null', null], ['a number', 5], ['without realtimeNs', { monotonicNs: '1' }], ['not decimal', { monotonicNs: 'soon', realtimeNs: '1' }]];
  for (const [label, clock] of cases) {
    const edited = Buffer.from(JSON.stringify({ ...meta, clock }));
    // the rest of the header after META, moved to its new end (sections are 8-aligned)
    const rest = bytes.subarray(32 + ((metaLen + 7) & ~7));
    const head = Buffer.alloc(32 + ((edited.length + 7) & ~7));
    bytes.copy(head, 0, 0, 32);
    head.writeUInt32LE(edited.length, 28);
    edited.copy(head, 32);
    const out = Buffer.concat([head, rest]);
    out.writeUInt32LE(bytes.readUInt32LE(12) - (bytes.length - out.length), 12);
    const file = tmpPath(`clock-${label.replace(/ /g, '-')}.bin`);
    writeFileSync(file, out);
    for (const to of ['text', 'hex', 'strace', 'csv', 'jsonl', 'arrow', 'arrows', 'parquet'] as const) {
      const output = tmpPath(`clock-${label.replace(/ /g, '-')}.${to}`);
      await assert.rejects(convert({ inputs: [file], to, output }), (e: unknown) => e instanceof FormatError && /recording metadata whose clock/.test(e.message), `${label} ${to}`);
      assert.ok(!existsSync(output), `${label} ${to}: no output`);
    }
    const r = run([file, '--to', 'csv', '--since', '+1ms']);
    assert.equal(r.code, 2, `${label}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^vltrace-convert: ${file}: offset 32: expected recording metadata whose clock(\\.\\w+)? is [^\\n]+\\n$`), label);
  }
});

test('bad input part-way through the decoding thread: the same FormatError and partial output as in-thread', async () => {
  const file = await badMidFile('api-mid', 5000);
  for (const threads of [true, false]) {
    const out = join(dirname(file), `api-mid-${threads}.csv`);
    const err = await convert({ inputs: [file], to: 'csv', output: out, threads }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ConvertError, `threads: ${threads}`);
    assert.ok(err.cause instanceof FormatError, 'the cause crosses the thread as a FormatError');
    assert.equal(err.cause.file, file);
    assert.equal(err.rows, 5000);
    assert.equal(err.partial, join(dirname(file), `api-mid-${threads}.partial.csv`));
    assert.equal(readFileSync(err.partial, 'utf8').trim().split('\n').length, 5001);
    assert.ok(!existsSync(out));
  }
});

test('bad input part-way: what was converted is kept as NAME.partial.EXT, never under the final name', async () => {
  const file = await badMidFile('cli-mid', 5000);
  for (const [to, ext] of [['parquet', 'parquet'], ['csv', 'csv'], ['arrow', 'arrow']] as const) {
    const out = join(dirname(file), `mid-out.${ext}`);
    const r = run([file, '--to', to, '-o', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cli-mid\.bin: offset \d+: expected/);
    assert.match(r.stderr, new RegExp(`the 5000 rows converted before the error are in .*mid-out\\.partial\\.${ext}`));
    assert.ok(!existsSync(out), `no ${basename(out)}`);
    assert.ok(existsSync(join(dirname(file), `mid-out.partial.${ext}`)));
  }
  const csv = readFileSync(join(dirname(file), 'mid-out.partial.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 5001);
  assert.deepEqual(readdirSync(dirname(file)).filter((f) => f.includes('.tmp-')), []);
});

test('the command line: lists, counts, bundles, and mistakes said in our words', () => {
  const a = convertArgs(['run.bin', '-X', '-e', '%file', '-p', '12', '-p', '13,14', '--tid', '15', '-tt', '--to=strace', '-s64']);
  assert.deepEqual([a._, a.failed, a.expr, a.pid, a.tid, a.timestamp, a.to, a['string-limit']], [['run.bin'], true, '%file', [12, 13, 14], [15], 2, 'strace', 64]);
  assert.deepEqual([a.compression, a['row-group-size'], a['follow-forks']], ['zstd', 65536, 0], 'defaults');
  assert.equal(convertArgs(['--', '-odd.bin'])._[0], '-odd.bin');
  assert.equal(convertArgs(['r.bin', '--no-progress']).progress, false);
  assert.equal(convertArgs(['r.bin', '--no-threads']).threads, false);
  assert.equal(convertArgs(['r.bin', '--threads']).threads, true);
  assert.equal(convertArgs(['r.bin']).threads, undefined);
  const wrong: [string[], RegExp][] = [
    [['run.bin', '--to'], new RegExp(`^--to needs one of ${FORMATS.join(', ')}$`)],
    [['run.bin', '--to', 'xml'], /^--to: 'xml' is not one of /],
    [['run.bin', '--bogus'], /^unknown option '--bogus'$/],
    [['run.bin', '-X', '-X'], /^-X given twice$/],
    [['run.bin', '-s', 'abc'], /^-s: 'abc' is not a whole number$/],
    [['run.bin', '-p', '1,x'], /^-p: 'x' is not a whole number$/],
    [['run.bin', '--failed=true'], /^--failed takes no value/],
    [['run.bin', '-o'], /^-o needs a value \(FILE\)$/],
  ];
  for (const [argv, re] of wrong) assert.throws(() => convertArgs(argv), (e: Error) => e instanceof ArgsError && re.test(e.message), JSON.stringify(argv));
});

test('usage errors: the message, then where to read more, exit 1; never yargs\' words', () => {
  for (const args of [['--to'], [SAMPLE, '--to'], [SAMPLE, '-ff', '--to', 'strace'], [SAMPLE, '--row-group-size', '0', '--to', 'parquet'], [], [SAMPLE, '-s', 'x']]) {
    const r = run(args);
    assert.equal(r.code, 1, JSON.stringify(args));
    assert.match(r.stderr, /^vltrace-convert: [^\n]+\nTry 'vltrace-convert --help' for more information\.\n$/, r.stderr);
    assert.doesNotMatch(r.stderr, /NaN|outputSeparately|\[default: \[\]\]|Unknown argument/);
  }
  assert.match(run([SAMPLE, '-ff', '--to', 'strace']).stderr, /-ff \(one output file per process\) is not supported/);
  // a binary format is a file, never a file named "-"
  for (const to of ['arrow', 'parquet', 'perfetto']) {
    const r = run([SAMPLE, '--to', to, '-o', '-']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^vltrace-convert: --to ${to} writes a file: give -o FILE, not -\n`));
    assert.equal(r.stdout, '');
  }
});

test('a Parquet or Arrow file given as a recording: said so, exit 2', async () => {
  const pq = tmpPath('cli-not-rec.parquet');
  writeFileSync(pq, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64), Buffer.from('PAR1')]));
  const r = run([pq]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `vltrace-convert: ${pq} is a Parquet file, not a vltrace recording (vltrace-query reads Parquet: vltrace-query sql 'SELECT ...' FILE)\n`);
  const arrow = tmpPath('cli-not-rec.arrow');
  writeFileSync(arrow, Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(64)]));
  assert.match(run([arrow, '--to', 'csv']).stderr, /is an Arrow IPC file, not a vltrace recording/);
});

test('--version, -V and --completion', () => {
  const { version } = JSON.parse(readFileSync(join(dirname(BIN), '../package.json'), 'utf8')) as { version: string };
  for (const v of ['--version', '-V']) assert.equal(run([v]).stdout, `vltrace-convert ${version}\n`);
  const script = run(['--completion']).stdout;
  const complete = (...words: string[]) => spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _vltrace_convert; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.deepEqual(complete('vltrace-convert', 'run.bin', '--to', 'a').sort(), ['arrow', 'arrows']);
  assert.deepEqual(complete('vltrace-convert', '--parq').sort(), ['--parquet-threads']);
  assert.ok(complete('vltrace-convert', '--').includes('--no-progress'));
});

test('the command line runs from its bundle and writes what convert() writes: Parquet of two row groups (its encoder thread), a partitioned dataset, csv from the decoding thread', async () => {
  const input = tmpPath('cli-bundle.bin');
  await synthesizeTrace(input, { syscalls: 70_000, seed: 3 });
  const cli = tmpPath('cli-bundle-cli.parquet');
  const api = tmpPath('cli-bundle-api.parquet');
  assert.equal(run([input, '--to', 'parquet', '-o', cli]).code, 0);
  await convert({ inputs: [input], to: 'parquet', output: api });
  assert.ok(readFileSync(cli).equals(readFileSync(api)), 'parquet');

  const cliDir = tmpPath('cli-bundle-cli-ds');
  const apiDir = tmpPath('cli-bundle-api-ds');
  assert.equal(run([input, '--to', 'parquet', '--partition-by', 'pid', '-o', cliDir]).code, 0);
  await convert({ inputs: [input], to: 'parquet', partitionBy: ['pid'], output: apiDir });
  const parts = readdirSync(apiDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(apiDir.length)).sort();
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(readFileSync(join(cliDir, p)).equals(readFileSync(join(apiDir, p))), p);

  const csv = tmpPath('cli-bundle-api.csv');
  await convert({ inputs: [input], to: 'csv', output: csv, threads: false });
  const r = spawnSync(process.execPath, [BIN, input, '--to', 'csv', '--threads'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(csv, 'utf8'));
});

test('threads start under Node options a worker refuses when given explicitly (a V8 option, --input-type)', async () => {
  const input = SAMPLE;
  const csv = tmpPath('cli-v8opt.csv');
  await convert({ inputs: [input], to: 'csv', output: csv, threads: false });
  // the decoding thread and parquet's encoder thread (row groups of 50 rows: several, so it starts)
  const pq = tmpPath('cli-v8opt.parquet');
  for (const args of [[input, '--to', 'csv', '--threads'], [input, '--to', 'parquet', '--row-group-size', '50', '-o', pq]]) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '--stack-size=2000', BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    if (args.includes('csv')) assert.equal(r.stdout, readFileSync(csv, 'utf8'));
  }
  // read back by DuckDB, its row groups as asked
  const [n] = await duck(`SELECT count(*)::VARCHAR AS n, count(DISTINCT row_group_id)::VARCHAR AS groups FROM parquet_metadata('${pq}')`);
  assert.deepEqual(n, { n: String(3 * COLUMN_NAMES.length), groups: '3' });
  assert.equal((await duck(`SELECT count(*)::VARCHAR AS n FROM '${pq}'`))[0]!['n'], '146');
  // an embedding script run with --input-type (and a V8 option beside it)
  const script = `import { convert } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    await convert({ inputs: [${JSON.stringify(input)}], to: 'csv', threads: true, output: ${JSON.stringify(csv + '.2')} });`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(csv + '.2', 'utf8'), readFileSync(csv, 'utf8'));
});
