/**
 * vltrace-convert's outputs on real files, as root and as unprivileged users (setpriv): names
 * another user planted in a sticky world-writable directory (symlinks to root's files and
 * directories, FIFOs) are never written through, for every format, the default names beside
 * the input, datasets and partial outputs; outputs have the recording's mode at most; /dev/null
 * and FIFOs still work; an output that cannot be written is one line and exit status 2.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { PacketWriter } from '@vltrace/format';
import { BINARY_FORMATS, convert, EXTENSIONS, FORMATS, type Format } from '../src/index.js';
import { synthesizeTrace } from '@vltrace/testkit';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/vltrace-convert.js');
const NOBODY = 65534;
const OTHER = 65533;
const ROOT_DATA = "root's data\n";
const TEXT_FORMATS = FORMATS.filter((f) => !BINARY_FORMATS.has(f));
const SYSCALLS = 1000;

/** Runs vltrace-convert with umask 022, as root or (uid) as another user (a time limit: a FIFO opened by mistake would wait for ever). */
function convertCli(args: string[], uid?: number): { code: number | null; stdout: string; stderr: string } {
  const setpriv = uid === undefined ? '' : `setpriv --reuid=${uid} --regid=${uid} --clear-groups `;
  const r = spawnSync('sh', ['-c', `umask 022; exec ${setpriv}"$@"`, 'sh', process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function as(uid: number, cmd: string, ...args: string[]): void {
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', cmd, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function duckCount(from: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const res = await con.runAndReadAll(`SELECT count(*)::VARCHAR AS n FROM ${from}`);
    return Number((res.getRowObjectsJson()[0] as { n: string }).n);
  } finally {
    con.closeSync();
  }
}

const modeBits = (p: string) => statSync(p).mode & 0o7777;
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

/** Every file and directory under dir (relative), with its mode. */
function tree(dir: string, rel = ''): [string, number][] {
  const out: [string, number][] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push([rel + e.name, lstatSync(p).mode & 0o7777]);
    if (e.isDirectory()) out.push(...tree(p, rel + e.name + '/'));
  }
  return out;
}

describe('vltrace-convert: outputs are created safely and privately', () => {
  let base: string;
  let shared: string;
  let victim: string;
  let victimDir: string;
  /** what each format gives for the recording (text formats: bytes) */
  const reference = new Map<Format, Buffer>();
  let n = 0;
  /** a fresh directory in the shared one, holding a recording run.bin of mode `mode`, owned by `uid` */
  const workDir = async (mode: number, uid = 0) => {
    const d = join(shared, `w${n++}`);
    mkdirSync(d);
    chmodSync(d, 0o1777);
    const rec = join(d, 'run.bin');
    await synthesizeTrace(rec, { syscalls: SYSCALLS, seed: 7 });
    chmodSync(rec, mode);
    chownSync(rec, uid, uid);
    return { d, rec };
  };

  before(async () => {
    assert.equal(process.geteuid?.(), 0, 'these tests plant files as other users: run them as root (npm test does)');
    base = mkdtempSync(join(tmpdir(), 'vlt-convert-safety-'));
    chmodSync(base, 0o755);
    shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    victim = join(base, 'victim');
    writeFileSync(victim, ROOT_DATA);
    chmodSync(victim, 0o640);
    victimDir = join(base, 'victim-dir');
    mkdirSync(victimDir);
    writeFileSync(join(victimDir, 'keep.txt'), ROOT_DATA);
    const ref = join(base, 'ref');
    mkdirSync(ref);
    await synthesizeTrace(join(ref, 'run.bin'), { syscalls: SYSCALLS, seed: 7 });
    for (const f of TEXT_FORMATS) {
      await convert({ inputs: [join(ref, 'run.bin')], to: f, output: join(ref, `run.${f}`) });
      reference.set(f, readFileSync(join(ref, `run.${f}`)));
    }
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const victimsUntouched = () => {
    assert.equal(readFileSync(victim, 'utf8'), ROOT_DATA);
    assert.equal(modeBits(victim), 0o640);
    assert.deepEqual(readdirSync(victimDir), ['keep.txt']);
    assert.equal(readFileSync(join(victimDir, 'keep.txt'), 'utf8'), ROOT_DATA);
  };

  /**
   * The outputs of `formats` for the recording in d, by the CLI (as `uid`) or the API: explicit
   * names for text formats, the default ones beside the input for arrow/arrows/parquet, and a
   * dataset ds.
   */
  const convertAll = async (d: string, rec: string, how: { uid?: number; api?: boolean; formats?: readonly Format[] } = {}) => {
    const formats = how.formats ?? FORMATS;
    for (const f of formats) {
      const output = TEXT_FORMATS.includes(f) ? join(d, `run${EXTENSIONS[f]}`) : undefined;
      if (how.api) {
        await convert({ inputs: [rec], to: f, ...(output ? { output } : {}) });
        continue;
      }
      const r = convertCli([rec, '--to', f, ...(output ? ['-o', output] : [])], how.uid);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    }
    if (how.api) {
      await convert({ inputs: [rec], to: 'parquet', partitionBy: ['pid'], output: join(d, 'ds') });
      return;
    }
    const r = convertCli([rec, '--to', 'parquet', '--partition-by', 'pid', '-o', join(d, 'ds')], how.uid);
    assert.equal(r.code, 0, `dataset: ${r.stderr}`);
  };

  /** Every output in d is a fresh file of `owner` with mode `mode` and the right content; dataset dirs have `dirMode`. */
  const checkOutputs = async (d: string, mode: number, dirMode: number, owner = 0, formats: readonly Format[] = FORMATS) => {
    for (const f of formats) {
      const p = join(d, `run${EXTENSIONS[f]}`);
      const st = lstatSync(p);
      assert.ok(st.isFile(), `${f}: a regular file, not the planted link`);
      assert.equal(st.uid, owner, `${f}: owner`);
      assert.equal(st.mode & 0o7777, mode, `${f}: mode`);
      const expected = reference.get(f);
      if (expected) assert.ok(readFileSync(p).equals(expected), `${f}: the same bytes as a plain conversion`);
    }
    if (formats.includes('arrow')) assert.equal(tableFromIPC(readFileSync(join(d, 'run.arrow'))).numRows, SYSCALLS);
    assert.equal(await duckCount(`read_parquet('${join(d, 'run.parquet')}')`), SYSCALLS);
    const ds = join(d, 'ds');
    assert.ok(lstatSync(ds).isDirectory(), 'the dataset is a directory, not the planted link');
    assert.equal(modeBits(ds), dirMode);
    const entries = tree(ds);
    assert.ok(entries.length > 2);
    for (const [rel, m] of entries) assert.equal(m, rel.endsWith('.parquet') ? mode : dirMode, `dataset ${rel}`);
    assert.equal(await duckCount(`read_parquet('${ds}/**/*.parquet', hive_partitioning = true)`), SYSCALLS);
    assert.deepEqual(leftovers(d), []);
  };

  it('root converts where another user planted every output name as a symlink: the targets are unchanged, the outputs fresh and 0600 like the recording', async () => {
    const { d, rec } = await workDir(0o600);
    for (const f of FORMATS) as(NOBODY, 'ln', '-s', victim, join(d, `run${EXTENSIONS[f]}`));
    as(NOBODY, 'ln', '-s', victimDir, join(d, 'ds'));
    await convertAll(d, rec);
    victimsUntouched();
    await checkOutputs(d, 0o600, 0o700);
  });

  it('a 0644 recording converts to 0644 outputs (0755 directories) under umask 022; 0640 to 0640 (0750)', async () => {
    const umask = process.umask(0o022);
    try {
      // every format for 0644; the three ways outputs are created for 0640
      for (const [mode, dirMode, formats] of [[0o644, 0o755, FORMATS], [0o640, 0o750, ['csv', 'parquet']]] as const) {
        const { d, rec } = await workDir(mode);
        await convertAll(d, rec, { api: true, formats });
        await checkOutputs(d, mode, dirMode, 0, formats);
      }
    } finally {
      process.umask(umask);
    }
  });

  it('as an unprivileged user: 0600 outputs from a 0600 recording; a name another user planted is refused in one line, exit 2', async () => {
    const { d, rec } = await workDir(0o600, NOBODY);
    // a text format, Parquet and a dataset: the three ways outputs are created
    const formats = ['csv', 'parquet'] as const;
    await convertAll(d, rec, { uid: NOBODY, formats });
    await checkOutputs(d, 0o600, 0o700, NOBODY, formats);

    const w = await workDir(0o600, NOBODY);
    const planted = join(w.d, 'run.parquet');
    as(OTHER, 'ln', '-s', victim, planted);
    const r = convertCli([w.rec, '--to', 'parquet'], NOBODY);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `vltrace-convert: cannot write ${planted}: it belongs to uid ${OTHER} in a sticky directory; not replaced\n`);
    const ds = join(w.d, 'ds');
    as(OTHER, 'ln', '-s', victimDir, ds);
    const rd = convertCli([w.rec, '--to', 'parquet', '--partition-by', 'pid', '-o', ds], NOBODY);
    assert.equal(rd.code, 2);
    assert.equal(rd.stderr, `vltrace-convert: cannot write ${ds}: it belongs to uid ${OTHER} in a sticky directory; not replaced\n`);
    assert.ok(lstatSync(planted).isSymbolicLink() && lstatSync(ds).isSymbolicLink());
    assert.deepEqual(leftovers(w.d), []);
    victimsUntouched();
  });

  it('bad input part-way: the partial output replaces a planted link too, with the recording\'s mode', async () => {
    const { d, rec } = await workDir(0o600);
    // the recording goes bad after its packets: a packet of size 12 (not a multiple of 8)
    const w = new PacketWriter();
    w.trailer({ ts: 0n, events: 0n, written: 0n, lost: 0n, lostPerCpu: [0n, 0n] });
    const bytes = readFileSync(rec);
    const junk = Buffer.alloc(64);
    junk.writeUInt32LE(12, 0);
    writeFileSync(rec, Buffer.concat([bytes.subarray(0, bytes.length - w.length), junk]));
    for (const f of ['csv', 'parquet'] as const) {
      const partial = join(d, `out.partial${EXTENSIONS[f]}`);
      as(NOBODY, 'ln', '-s', victim, partial);
      const r = convertCli([rec, '--to', f, '-o', join(d, `out${EXTENSIONS[f]}`)]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`rows converted before the error are in ${partial}`));
      const st = lstatSync(partial);
      assert.ok(st.isFile());
      assert.equal(st.mode & 0o7777, 0o600);
      assert.equal(existsSync(join(d, `out${EXTENSIONS[f]}`)), false);
    }
    victimsUntouched();
    assert.deepEqual(leftovers(d), []);
  });

  it('-o /dev/null works for every format; a FIFO receives the same bytes as a file', async () => {
    const { d, rec } = await workDir(0o600);
    assert.ok(statSync('/dev/null').isCharacterDevice(), 'the machine\'s /dev/null is a device before the test (if not, something else replaced it)');
    for (const f of FORMATS) {
      const res = await convert({ inputs: [rec], to: f, output: '/dev/null' });
      assert.equal(res.rows, SYSCALLS);
    }
    const r = convertCli([rec, '--to', 'parquet', '-o', '/dev/null']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `vltrace-convert: wrote ${SYSCALLS} rows to /dev/null\n`);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    assert.deepEqual(readdirSync('/dev').filter((f) => f.includes('.tmp-')), []);

    const fifo = join(d, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const f of ['csv', 'parquet'] as const) {
      const got = join(d, `from-fifo${EXTENSIONS[f]}`);
      const reader = spawn('sh', ['-c', 'exec cat "$1" > "$2"', 'sh', fifo, got], { stdio: 'inherit' });
      const done = new Promise<number | null>((res) => reader.on('exit', res));
      const r = convertCli([rec, '--to', f, '-o', fifo]);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      assert.equal(await done, 0);
      if (f === 'csv') assert.ok(readFileSync(got).equals(reference.get('csv')!));
      else assert.equal(await duckCount(`read_parquet('${got}')`), SYSCALLS, 'a Parquet file written sequentially');
      assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
    }
    assert.deepEqual(leftovers(d), []);
  });

  it('a FIFO another user planted in a sticky directory is not written into: one line, exit 2', async () => {
    const { d, rec } = await workDir(0o600);
    const fifo = join(d, 'run.csv');
    as(NOBODY, 'mkfifo', '-m', '666', fifo);
    const r = convertCli([rec, '--to', 'csv', '-o', fifo]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `vltrace-convert: cannot write ${fifo}: it leads to a FIFO of uid ${NOBODY} in a shared sticky directory; not written into\n`);
  });

  it('a dataset replaces only a dataset of the user\'s; anything else is refused untouched, exit 2', async () => {
    const { d, rec } = await workDir(0o600);
    const ds = join(d, 'ds');
    const dataset = (output: string, key: 'pid' | 'syscall' = 'pid') => convert({ inputs: [rec], to: 'parquet', partitionBy: [key], output });
    await dataset(ds);
    await dataset(ds, 'syscall');
    const now = tree(ds).map(([p]) => p);
    assert.ok(now.length > 2 && now.every((p) => p.startsWith('syscall=')), 'the old dataset is gone');

    const notDs = join(d, 'notes');
    mkdirSync(notDs);
    writeFileSync(join(notDs, 'important.txt'), 'keep');
    await assert.rejects(dataset(notDs), { name: 'OutputPathError', message: `cannot write ${notDs}: it is a directory that is not a Parquet dataset (it holds important.txt); not replaced` });
    assert.deepEqual(readdirSync(notDs), ['important.txt']);
    const theirs = join(d, 'theirs');
    as(NOBODY, 'mkdir', theirs);
    await assert.rejects(dataset(theirs), { message: `cannot write ${theirs}: it is a directory of uid ${NOBODY}; not replaced` });
    await assert.rejects(dataset('/dev/null'), { message: 'cannot write /dev/null: a partitioned dataset is a directory, and this is a device, FIFO or socket' });
    const r = convertCli([rec, '--to', 'parquet', '--partition-by', 'pid', '-o', notDs]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `vltrace-convert: cannot write ${notDs}: it is a directory that is not a Parquet dataset (it holds important.txt); not replaced\n`);
    assert.deepEqual(leftovers(d), []);
  });

  it('an output that cannot be created: one line naming it, exit 2, for every kind of output', async () => {
    const { rec } = await workDir(0o600);
    for (const args of [['--to', 'csv'], ['--to', 'arrow'], ['--to', 'parquet'], ['--to', 'parquet', '--partition-by', 'pid']]) {
      const out = join(base, 'no', 'such', 'dir', 'x');
      const r = convertCli([rec, ...args, '-o', out]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, `vltrace-convert: cannot write ${out}: no such file or directory (ENOENT)\n`, args.join(' '));
    }
  });
});
