/**
 * What the three CLIs share (the conventions of the field): plain Node launchers of one shape,
 * --version, a man page per command that npm installs (package.json "man", shipped in "files")
 * and that documents every option the command takes, and one error style.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIS = [['recorder', 'vltrace-record'], ['convert', 'vltrace-convert'], ['query', 'vltrace-query']] as const;

interface Pkg { version: string; bin: Record<string, string>; man?: string[]; files: string[] }
const pkgOf = (dir: string) => JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Pkg;
const binOf = (dir: string, prog: string) => join(ROOT, 'packages', dir, pkgOf(dir).bin[prog]!);

test('the launchers: plain #!/usr/bin/env node scripts of one shape (import main, run it); vltrace-record\'s main from its bundle', () => {
  const shapes = CLIS.map(([dir, prog]) => readFileSync(binOf(dir, prog), 'utf8').replaceAll(prog, 'PROG'));
  for (const s of shapes) {
    assert.ok(s.startsWith('#!/usr/bin/env node\n'));
    assert.doesNotMatch(s, /NODE_EXTRA_CA_CERTS|#!\/bin\/sh/);
    assert.match(s, /\nawait main\(process\.argv\.slice\(2\)\);\n$/);
  }
  // the code lines (not the comments) are the same but for the module main comes from:
  // vltrace-record's is the bundle of its start path (packages/recorder/scripts/bundle.mjs),
  // which starts the BPF load first; vltrace-convert's and vltrace-query's the bundles of their
  // command lines (packages/*/scripts/bundle.mjs)
  const modules = CLIS.map(([dir, prog]) => readFileSync(binOf(dir, prog), 'utf8').match(/^import \{ main \} from '([^']+)';$/m)?.[1]);
  assert.deepEqual(modules, ['../dist/bundle/vltrace-record.js', '../dist/cli/cli.js', '../dist/cli/cli.js']);
  CLIS.forEach(([dir, prog], i) => assert.ok(existsSync(join(dirname(binOf(dir, prog)), modules[i]!)), modules[i]));
  const code = (s: string) => s.split('\n').filter((l) => !l.startsWith('//')).join('\n').replace(/'\.\.\/dist\/[^']+'/, 'MODULE');
  assert.equal(code(shapes[0]!), code(shapes[1]!));
  assert.equal(shapes[2], shapes[1]);
});

test('--version, and a man page listed in package.json that documents every option', () => {
  for (const [dir, prog] of CLIS) {
    const pkg = pkgOf(dir);
    assert.equal(spawnSync(binOf(dir, prog), ['-V'], { encoding: 'utf8' }).stdout, `${prog} ${pkg.version}\n`);
    assert.deepEqual(pkg.man, [`man/${prog}.1`], prog);
    assert.ok(pkg.files.includes('man'), `${prog}: man/ is shipped`);
    const page = readFileSync(join(ROOT, 'packages', dir, pkg.man![0]!), 'utf8');
    assert.match(page, new RegExp(`^\\.TH ${prog.toUpperCase()} 1 `, 'm'));
    assert.doesNotMatch(page, /https?:|\/work\//, 'nothing outside the repository');
    // every option completion offers (the parser's table) is in the man page
    const script = spawnSync(binOf(dir, prog), ['--completion'], { encoding: 'utf8' }).stdout;
    const options = new Set([...script.matchAll(/opts='([^']*)'/g)].flatMap((m) => m[1]!.split(' ')).filter((o) => o.startsWith('--')));
    assert.ok(options.size > 5, prog);
    for (const o of options) assert.ok(page.includes(o.replaceAll('-', '\\-')), `${prog}(1) documents ${o}`);
    // and man renders it without a warning
    const man = spawnSync('man', ['--warnings', '-l', join(ROOT, 'packages', dir, pkg.man![0]!)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', LC_ALL: 'C.UTF-8' } });
    assert.equal(man.status, 0, man.stderr);
    assert.equal(man.stderr, '', `${prog}(1): ${man.stderr}`);
    assert.match(man.stdout, /EXIT STATUS/);
  }
});

test('one error style: prog: message, then Try \'prog --help\'; exit 1', () => {
  for (const [dir, prog] of CLIS) {
    const r = spawnSync(binOf(dir, prog), dir === 'query' ? ['summary', '--bogus', 'x'] : ['--bogus'], { encoding: 'utf8' });
    assert.equal(r.status, 1, prog);
    assert.equal(r.stderr, `${prog}: unknown option '--bogus'\nTry '${prog} --help' for more information.\n`);
  }
});
