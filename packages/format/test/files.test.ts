/**
 * files.ts on real files, as root and as unprivileged users (setpriv): names another user
 * planted in a sticky world-writable directory (symlinks to root's files, dangling symlinks,
 * FIFOs) are never written through; devices, FIFOs and /dev/stdout still are; modes are the
 * asked ones under the umask; errors are one line naming the path.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync,
  writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkReplaceable, createFile, createFileInPlace, derivedMode, ensureOwnDir, modeOf, OutputPathError, writeFileSafely,
} from '../src/files.js';

const FILES_JS = fileURLToPath(new URL('../src/files.js', import.meta.url));
/** The unprivileged users: one who runs vltrace, one who attacks (any free uid will do). */
const NOBODY = 65534;
const OTHER = 65533;
const ROOT_DATA = "root's data\n";

/** Runs a command as `uid` (its own group, no supplementary groups). */
function as(uid: number, cmd: string, args: string[], umask = 0o022) {
  const r = spawnSync('sh', ['-c', `umask ${umask.toString(8)}; exec setpriv --reuid=${uid} --regid=${uid} --clear-groups "$@"`, 'sh', cmd, ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

/** Runs an ES module script as `uid` with files.ts imported as F. */
function nodeAs(uid: number, script: string, umask = 0o022) {
  return as(uid, process.execPath, ['--input-type=module', '-e', `import * as F from ${JSON.stringify(FILES_JS)};\n${script}`], umask);
}

/** `uid` plants a symlink `link` → `target`, as any user may in a sticky world-writable directory. */
function plantLink(uid: number, target: string, link: string): void {
  const r = as(uid, 'ln', ['-s', target, link]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(lstatSync(link).uid, uid);
}

function plantFifo(uid: number, path: string): void {
  const r = as(uid, 'mkfifo', ['-m', '666', path]);
  assert.equal(r.status, 0, r.stderr);
}

const modeBits = (p: string) => statSync(p).mode & 0o7777;
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('files.ts: creating outputs safely', () => {
  let base: string;
  /** a sticky world-writable directory, like /tmp */
  let shared: string;
  /** a file of root's that planted names point to */
  let victim: string;
  let n = 0;
  const fresh = (name: string) => join(shared, `${n++}-${name}`);

  before(() => {
    assert.equal(process.geteuid?.(), 0, 'these tests plant files as other users: run them as root (npm test does)');
    base = mkdtempSync(join(tmpdir(), 'vlt-files-'));
    chmodSync(base, 0o755);
    shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    victim = join(base, 'victim');
    writeFileSync(victim, ROOT_DATA, { mode: 0o640 });
    chmodSync(victim, 0o640);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const victimUntouched = () => {
    assert.equal(readFileSync(victim, 'utf8'), ROOT_DATA, 'the target of the planted name keeps its content');
    assert.equal(modeBits(victim), 0o640, 'and its mode');
  };
  /** `p` is a fresh regular file of root's, of mode `mode`, holding `text`. */
  const freshFile = (p: string, mode: number, text: string) => {
    const st = lstatSync(p);
    assert.ok(st.isFile(), `${p} is a regular file, not a symlink`);
    assert.equal(st.uid, 0);
    assert.equal(st.mode & 0o7777, mode);
    assert.equal(readFileSync(p, 'utf8'), text);
  };

  it('a symlink another user planted is replaced, never written through (every way of creating a file)', () => {
    const inPlace = fresh('out.bin');
    plantLink(NOBODY, victim, inPlace);
    const f = createFileInPlace(inPlace, 0o600);
    assert.equal(f.regular, true);
    // in place at once: the name is the new file while it is written
    assert.ok(lstatSync(inPlace).isFile());
    writeSync(f.fd, 'recording');
    closeSync(f.fd);
    freshFile(inPlace, 0o600, 'recording');

    const pending = fresh('run.csv');
    plantLink(NOBODY, victim, pending);
    const p = createFile(pending, 0o600);
    assert.ok(lstatSync(pending).isSymbolicLink(), 'the name is untouched until commit');
    writeSync(p.fd, 'a,b\n');
    p.commit();
    freshFile(pending, 0o600, 'a,b\n');

    const whole = fresh('trace.h');
    plantLink(NOBODY, victim, whole);
    writeFileSafely(whole, '/* trace.h */\n', 0o644);
    freshFile(whole, 0o644, '/* trace.h */\n');

    victimUntouched();
    assert.deepEqual(leftovers(shared), []);
  });

  it('a dangling symlink does not create its target; links of root itself to regular files are replaced too', () => {
    const target = join(base, 'would-be-created');
    const link = fresh('dangling.bin');
    plantLink(NOBODY, target, link);
    writeFileSafely(link, 'x', 0o600);
    assert.equal(existsSync(target), false, 'O_CREAT never went through the link');
    freshFile(link, 0o600, 'x');

    const own = join(base, 'own-link');
    symlinkSync(victim, own);
    writeFileSafely(own, 'y', 0o600);
    freshFile(own, 0o600, 'y');
    victimUntouched();
  });

  it('a planted name the user cannot replace (unprivileged, another user\'s, sticky directory): refused before anything is written', () => {
    const name = fresh('run.csv');
    plantLink(OTHER, victim, name);
    const r = nodeAs(NOBODY, `try { F.createFile(${JSON.stringify(name)}, 0o600); console.log('created'); } catch (e) { console.log(e.name + ': ' + e.message); }`);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `OutputPathError: cannot write ${name}: it belongs to uid ${OTHER} in a sticky directory; not replaced\n`);
    assert.ok(lstatSync(name).isSymbolicLink());
    assert.deepEqual(leftovers(shared), []);
    victimUntouched();
    // root may replace it (CAP_FOWNER): no refusal
    assert.doesNotThrow(() => checkReplaceable(name));
  });

  it('as an unprivileged user: the asked mode under the umask, through planted links of another user of the same rank', () => {
    const mine = join(shared, `${n++}-mine`);
    const r = nodeAs(NOBODY, [
      `const { fd } = F.createFileInPlace(${JSON.stringify(mine + '.bin')}, 0o600);`,
      `F.writeFileSafely(${JSON.stringify(mine + '.h')}, 'h', 0o644);`,
      `F.writeFileSafely(${JSON.stringify(mine + '.txt')}, 't', 0o666);`,
    ].join('\n'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(modeBits(mine + '.bin'), 0o600);
    assert.equal(modeBits(mine + '.h'), 0o644);
    assert.equal(modeBits(mine + '.txt'), 0o644, 'umask 022 applies');
    assert.equal(statSync(mine + '.bin').uid, NOBODY);
    const strict = nodeAs(NOBODY, `F.writeFileSafely(${JSON.stringify(mine + '.077')}, 't', 0o644);`, 0o077);
    assert.equal(strict.status, 0, strict.stderr);
    assert.equal(modeBits(mine + '.077'), 0o600, 'umask 077 applies');
  });

  it('devices and FIFOs are written as they are: /dev/null, a link of root\'s to it, a FIFO of the user\'s', async () => {
    assert.ok(statSync('/dev/null').isCharacterDevice(), 'the machine\'s /dev/null is a device before the test (if not, something else replaced it)');
    const dn = createFileInPlace('/dev/null', 0o600);
    assert.equal(dn.regular, false);
    writeSync(dn.fd, 'discarded');
    closeSync(dn.fd);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    assert.deepEqual(readdirSync('/dev').filter((f) => f.includes('.tmp-')), []);

    const toNull = join(base, 'to-null');
    symlinkSync('/dev/null', toNull);
    const ln = createFile(toNull, 0o600);
    assert.equal(ln.special, true);
    ln.commit();
    assert.ok(lstatSync(toNull).isSymbolicLink(), 'the link stays');

    const fifo = join(base, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (got += d));
    const done = new Promise((res) => reader.on('exit', res));
    const f = createFileInPlace(fifo, 0o600);
    assert.equal(f.regular, false);
    writeSync(f.fd, 'through the pipe');
    closeSync(f.fd);
    await done;
    assert.equal(got, 'through the pipe');
    assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  });

  it('a link to /dev/null planted by another user is replaced; a FIFO planted in a sticky directory is refused', () => {
    const link = fresh('null.bin');
    plantLink(NOBODY, '/dev/null', link);
    const f = createFile(link, 0o600);
    assert.equal(f.special, false, 'not followed: another user\'s link');
    f.commit();
    freshFile(link, 0o600, '');

    const fifo = fresh('out.bin');
    plantFifo(NOBODY, fifo);
    // in a child with a time limit: were it opened, it would wait for a reader for ever
    const r = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import * as F from ${JSON.stringify(FILES_JS)};
       try { F.createFileInPlace(${JSON.stringify(fifo)}, 0o600); console.log('opened'); } catch (e) { console.log(e.name + ': ' + e.message); }`,
    ], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'refused at once, not opened');
    assert.equal(r.stdout, `OutputPathError: cannot write ${fifo}: it leads to a FIFO of uid ${NOBODY} in a shared sticky directory; not written into\n`);
    assert.ok(lstatSync(fifo).isFIFO());
  });

  it('/dev/stdout: the file the caller redirected to is written (appended), never replaced, and made no more readable', () => {
    const out = join(base, 'redirected.bin');
    writeFileSync(out, 'before\n', { mode: 0o644 });
    const fd = openSync(out, 'a');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import * as F from ${JSON.stringify(FILES_JS)}; import { writeSync, closeSync } from 'node:fs';
       const f = F.createFileInPlace('/dev/stdout', 0o600); writeSync(f.fd, 'recording\\n'); closeSync(f.fd); console.error(f.regular);`,
    ], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'false\n', 'not a file created under its name (no trace.h beside /dev/stdout)');
    assert.equal(readFileSync(out, 'utf8'), 'before\nrecording\n');
    assert.equal(modeBits(out), 0o600);
    assert.ok(lstatSync('/dev/stdout').isSymbolicLink(), '/dev/stdout itself is untouched');
    assert.deepEqual(readdirSync('/dev').filter((f) => f.includes('.tmp-')), []);
  });

  it('commit to another name (a partial output) replaces a planted link there too; discard leaves nothing', () => {
    const final = fresh('run.parquet');
    const partial = fresh('run.partial.parquet');
    plantLink(NOBODY, victim, partial);
    const f = createFile(final, 0o600);
    writeSync(f.fd, 'part');
    f.commit(partial);
    freshFile(partial, 0o600, 'part');
    assert.equal(existsSync(final), false);

    const g = createFile(fresh('gone.csv'), 0o600);
    assert.ok(existsSync(g.tmp));
    g.discard();
    assert.equal(existsSync(g.tmp), false);
    victimUntouched();
    assert.deepEqual(leftovers(shared), []);
  });

  it('errors are one line naming the output: a directory, a missing directory, no permission', () => {
    const msg = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof OutputPathError);
        return e.message;
      }
      assert.fail('no error');
    };
    assert.equal(msg(() => createFile(base, 0o600)), `cannot write ${base}: it is a directory`);
    // root's own link to a directory is an error too; another user's is replaced, not followed
    const ownDirLink = join(base, 'own-dir-link');
    symlinkSync(base, ownDirLink);
    assert.equal(msg(() => createFile(ownDirLink, 0o600)), `cannot write ${ownDirLink}: it is a directory`);
    const theirDirLink = fresh('their-dir-link');
    plantLink(NOBODY, base, theirDirLink);
    writeFileSafely(theirDirLink, 'z', 0o600);
    freshFile(theirDirLink, 0o600, 'z');
    assert.equal(msg(() => createFileInPlace(join(base, 'no/such/dir/x.bin'), 0o600)), `cannot write ${join(base, 'no/such/dir/x.bin')}: no such file or directory (ENOENT)`);
    const r = nodeAs(NOBODY, `try { F.writeFileSafely('/etc/vlt-test.h', 'x', 0o644); } catch (e) { console.log(e.message); }`);
    assert.equal(r.stdout, 'cannot write /etc/vlt-test.h: permission denied (EACCES)\n');
  });

  it('derivedMode: rw at most the source\'s; directories get x where r, never group/other write; modeOf', () => {
    assert.equal(derivedMode(0o600), 0o600);
    assert.equal(derivedMode(0o644), 0o644);
    assert.equal(derivedMode(0o755), 0o644);
    assert.equal(derivedMode(0o4755), 0o644);
    assert.equal(derivedMode(0o600, true), 0o700);
    assert.equal(derivedMode(0o640, true), 0o750);
    assert.equal(derivedMode(0o644, true), 0o755);
    assert.equal(derivedMode(0o666, true), 0o755);
    assert.equal(modeOf(victim), 0o640);
    assert.equal(modeOf(join(base, 'missing')), 0o600);
  });

  it('ensureOwnDir: creates with the mode; refuses a symlink, another user\'s directory, one others can write to', () => {
    const d = join(base, 'own', 'nested');
    ensureOwnDir(d, 0o700);
    assert.equal(modeBits(d), 0o700);
    ensureOwnDir(d, 0o700); // an existing own directory is fine
    const link = fresh('dir-link');
    plantLink(NOBODY, base, link);
    assert.throws(() => ensureOwnDir(link), /it is a symbolic link/);
    const theirs = fresh('theirs');
    assert.equal(as(NOBODY, 'mkdir', [theirs]).status, 0);
    assert.throws(() => ensureOwnDir(theirs), new RegExp(`it belongs to uid ${NOBODY}`));
    assert.throws(() => ensureOwnDir(shared), /others can write to it/);
  });
});
