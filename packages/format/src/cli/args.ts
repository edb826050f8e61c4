/**
 * The one command-line parser of vltrace-record, vltrace-convert and vltrace-query: node:util's
 * parseArgs splits the words (bundles such as -ff, -s200, --to=csv, `--`), and this module reads
 * them against the CLI's option table: values checked and converted, lists, counts, negations,
 * and the command of vltrace-record left untouched after its first word. Every mistake is an
 * ArgsError with one sentence in our words. No third-party parser: importing one costs more
 * than a small conversion takes (BENCHMARKS.md of each package).
 */
import { parseArgs } from 'node:util';

/** One option of a CLI: what the parser, --help, the man page test and completion read. */
export interface OptionSpec {
  readonly short?: string;
  /** count: a flag that may be repeated (-tt), its value the number of times */
  readonly type: 'boolean' | 'string' | 'number' | 'count';
  /** a list: comma-separated values, and the option may be repeated (-p 1,2 -p 3) */
  readonly list?: boolean;
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  /** --no-NAME turns it off (for flags whose default depends on the situation) */
  readonly negatable?: boolean;
  /** the value's name in --help (FILE, N…) */
  readonly value?: string;
  readonly group?: string;
  readonly describe: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A value as the parser gives it. */
export type OptionValue = string | number | boolean | readonly (string | number)[];

/** The options by long name (given ones and defaults), and the words that are not options. */
export interface Parsed {
  readonly values: Readonly<Record<string, OptionValue | undefined>>;
  readonly positionals: readonly string[];
}

/** A mistake on the command line, in one sentence: the CLIs print it as a usage error. */
export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

/** The options every vltrace CLI has, in one place. */
export const STANDARD_OPTIONS = {
  help: { short: 'h', type: 'boolean', group: 'Other:', describe: 'show this help and exit' },
  version: { short: 'V', type: 'boolean', group: 'Other:', describe: 'show the version and exit' },
  completion: { type: 'boolean', group: 'Other:', describe: 'print a bash completion script (eval it, or save it in the bash-completion directory)' },
} as const satisfies OptionTable;

/** How an option is named in messages: its spelling on the command line, -x or --name. */
function spelled(name: string, spec: OptionSpec | undefined, raw: string): string {
  return raw.startsWith('--') || !spec?.short ? `--${name}` : `-${spec.short}`;
}

const NUMBER = /^(0|[1-9]\d{0,14})$/;

function convert(name: string, spec: OptionSpec, raw: string, text: string): string | number {
  const shown = spelled(name, spec, raw);
  if (spec.choices && !spec.choices.includes(text)) {
    throw new ArgsError(`${shown}: '${text}' is not one of ${spec.choices.join(', ')}`);
  }
  if (spec.type === 'number') {
    if (!NUMBER.test(text)) throw new ArgsError(`${shown}: '${text}' is not a whole number`);
    return Number(text);
  }
  return text;
}

/**
 * The options and positionals of `argv` read against `table`. `stopAtCommand`: the first word
 * that is not an option starts a command, kept as it is with everything after it (vltrace-record
 * cmd -x). Repeating an option that is neither a list nor a count is an error, as is a value
 * missing or one that looks like an option (`-o -x`: write `-o ./-x`).
 */
export function parseCommandLine(argv: readonly string[], table: OptionTable, stopAtCommand = false): Parsed {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple: true }> = {};
  for (const [name, spec] of Object.entries(table)) {
    config[name] = { type: spec.type === 'boolean' || spec.type === 'count' ? 'boolean' : 'string', multiple: true, ...(spec.short ? { short: spec.short } : {}) };
  }
  const { tokens } = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, OptionValue | undefined> = {};
  const positionals: string[] = [];
  const seen = new Set<string>();
  let skipFrom = Infinity; // tokens from the command on are its own
  for (const t of tokens) {
    if (t.index >= skipFrom) break;
    if (t.kind === 'option-terminator') {
      if (stopAtCommand) {
        positionals.push(...argv.slice(t.index + 1));
        break;
      }
      continue;
    }
    if (t.kind === 'positional') {
      if (stopAtCommand) {
        positionals.push(...argv.slice(t.index));
        skipFrom = t.index;
        break;
      }
      positionals.push(t.value);
      continue;
    }
    const long = t.rawName.startsWith('--');
    let name = t.name;
    let spec = Object.hasOwn(table, name) && (long ? t.rawName === `--${name}` : table[name]!.short === t.rawName.slice(1)) ? table[name] : undefined;
    let negated = false;
    if (!spec && long && name.startsWith('no-') && table[name.slice(3)]?.negatable) {
      name = name.slice(3);
      spec = table[name];
      negated = true;
    }
    if (!spec) throw new ArgsError(`unknown option '${t.rawName}'`);
    const shown = spelled(name, spec, t.rawName);
    if (seen.has(name) && !spec.list && spec.type !== 'count') throw new ArgsError(`${shown} given twice`);
    seen.add(name);
    if (spec.type === 'boolean' || spec.type === 'count') {
      if (t.value !== undefined) throw new ArgsError(`${shown} takes no value ('${t.rawName}=${t.value}')`);
      values[name] = spec.type === 'count' ? (Number(values[name] ?? 0) + 1) : !negated;
      continue;
    }
    if (negated) throw new ArgsError(`unknown option '${t.rawName}'`);
    const v = t.value;
    if (v === undefined || v === '' || (!t.inlineValue && v.startsWith('-') && v !== '-')) {
      const what = spec.choices ? `one of ${spec.choices.join(', ')}` : `a value${spec.value ? ` (${spec.value})` : ''}`;
      throw new ArgsError(`${shown} needs ${what}`);
    }
    if (spec.list) {
      const items = v.split(',').filter((x) => x !== '');
      if (items.length === 0) throw new ArgsError(`${shown} needs a value`);
      values[name] = [...((values[name] as (string | number)[] | undefined) ?? []), ...items.map((x) => convert(name, spec, t.rawName, x))];
    } else {
      values[name] = convert(name, spec, t.rawName, v);
    }
  }
  for (const [name, spec] of Object.entries(table)) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
    else if (values[name] === undefined && spec.type === 'count') values[name] = 0;
  }
  return { values, positionals };
}
