/** @vltrace/format/cli: the parser the three CLIs share, --help and the completion script. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ArgsError, completionScript, parseCommandLine, renderHelp, type OptionTable } from '../src/cli/index.js';

const TABLE = {
  output: { short: 'o', type: 'string', value: 'FILE', describe: 'where' },
  to: { type: 'string', choices: ['a', 'b'], default: 'a', describe: 'format' },
  verbose: { short: 'v', type: 'count', describe: 'more' },
  force: { short: 'F', type: 'boolean', describe: 'force' },
  pid: { short: 'p', type: 'number', list: true, describe: 'pids' },
  color: { type: 'boolean', negatable: true, describe: 'colour' },
} as const satisfies OptionTable;

test('values, defaults, counts, lists, bundles, negations, --', () => {
  const r = parseCommandLine(['x', '-vvF', '-ofile', '--to=b', '-p', '1,2', '--pid', '3', '--no-color', '--', '-y'], TABLE);
  assert.deepEqual(r.values, { output: 'file', to: 'b', verbose: 2, force: true, pid: [1, 2, 3], color: false });
  assert.deepEqual(r.positionals, ['x', '-y']);
  assert.deepEqual(parseCommandLine([], TABLE).values, { to: 'a', verbose: 0 });
  assert.deepEqual(parseCommandLine(['-o', '-'], TABLE).values.output, '-', "'-' is a value (stdout)");
});

test('stopAtCommand: the first word that is not an option starts a command, kept whole', () => {
  const r = parseCommandLine(['-F', 'ls', '-l', '-o', 'x', '--', 'y'], TABLE, true);
  assert.deepEqual(r.positionals, ['ls', '-l', '-o', 'x', '--', 'y']);
  assert.equal(r.values['output'], undefined);
  assert.deepEqual(parseCommandLine(['-F', '--', '-ls'], TABLE, true).positionals, ['-ls']);
});

test('mistakes: one sentence each, in our words', () => {
  const cases: [string[], string][] = [
    [['--nope'], "unknown option '--nope'"],
    [['-z'], "unknown option '-z'"],
    [['-o'], '-o needs a value (FILE)'],
    [['--to'], '--to needs one of a, b'],
    [['-o', '-x'], '-o needs a value (FILE)'],
    [['--to', 'c'], "--to: 'c' is not one of a, b"],
    [['-o', 'a', '--output', 'b'], '--output given twice'],
    [['-p', '1x'], "-p: '1x' is not a whole number"],
    [['-p', ','], '-p needs a value'],
    [['--force=yes'], "--force takes no value ('--force=yes')"],
    [['--no-output'], "unknown option '--no-output'"],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCommandLine(argv, TABLE), (e: Error) => e instanceof ArgsError && e.message === message, JSON.stringify(argv));
  }
});

test('--help: every option with its value, choices and default', () => {
  const h = renderHelp('prog', TABLE, { usage: ['[options] FILE'], description: 'Does things.', epilogue: ['Exit status: 0.'] }, 80);
  assert.match(h, /^Usage: prog \[options\] FILE\n\nDoes things\.\n/);
  assert.match(h, /^ {2}-o, --output FILE +where$/m);
  assert.match(h, /^ {6}--to VALUE +format \[one of: a, b; default: "a"\]$/m);
  assert.match(h, /^ {2}-p, --pid N\[,\.\.\.\] +pids$/m);
  assert.match(h, /^ {6}--color, --no-color +colour$/m);
  assert.ok(h.split('\n').every((l) => l.length <= 80));
});

test('completion: bash offers the options, the choices after an option, subcommands first', () => {
  const script = completionScript({ prog: 'prog', commands: { '': TABLE } });
  const complete = (s: string, fn: string, ...words: string[]) => spawnSync('bash', ['-c', `${s}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
  assert.deepEqual(complete(script, '_prog', 'prog', '--c'), ['--color']);
  assert.deepEqual(complete(script, '_prog', 'prog', '--no'), ['--no-color']);
  assert.deepEqual(complete(script, '_prog', 'prog', '--to', ''), ['a', 'b']);
  const sub = completionScript({ prog: 'q', commands: { one: { all: { type: 'boolean', describe: '' } }, two: TABLE } });
  assert.deepEqual(complete(sub, '_q', 'q', 't'), ['two']);
  assert.deepEqual(complete(sub, '_q', 'q', 'one', '--'), ['--all']);
});
