/**
 * Plain command lines without yargs. Importing yargs costs 70–110 ms here, more than a small
 * conversion or report takes, so the CLIs (vltrace-convert, vltrace-query) read a plain command
 * line with node:util's parseArgs over their yargs option table, and import yargs only for
 * --help and whatever quickParse leaves to it: unknown options, negations, options given twice,
 * values that look like options, values outside an option's choices, numbers that are not plain
 * decimals, an array option followed by a positional (yargs would take the positional as one
 * more value). For what it takes, the result is what yargs gives; each CLI's tests check
 * that on a list of command lines.
 */
import { parseArgs } from 'node:util';

/** An option as it is declared for yargs: the part of it quickParse reads. */
export interface QuickOption {
  readonly alias?: string;
  readonly type: string;
  readonly default?: unknown;
  readonly choices?: readonly string[];
  /** yargs' `array`: the value is always an array, and following values are taken too */
  readonly array?: boolean;
}

/** Parsed arguments: the options by long name, and the positionals. */
export interface QuickArgs {
  _: string[];
  [option: string]: unknown;
}

/**
 * The arguments of `argv` as yargs would give them with `options`, or undefined (see above).
 * `repeatable`: options that may be given more than once (a string option then gives an array,
 * as yargs does); a `count` option counts its occurrences.
 */
export function quickParse(argv: readonly string[], options: Readonly<Record<string, QuickOption>>, repeatable: ReadonlySet<string> = new Set()): QuickArgs | undefined {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, d] of Object.entries(options)) {
    config[name] = {
      type: d.type === 'boolean' || d.type === 'count' ? 'boolean' : 'string',
      multiple: true, // every occurrence, so that a repeat can be left to yargs
      ...(d.alias ? { short: d.alias } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  let arrayOption = false;
  for (const t of parsed.tokens) {
    // a short option with its value attached (-ofile, -o=x): yargs reads "=x" its own way
    if (t.kind === 'option' && t.inlineValue && t.rawName.length === 2) return undefined;
    if (t.kind === 'option' && options[t.name]?.array) arrayOption = true;
    else if (t.kind === 'positional' && arrayOption) return undefined;
  }
  const a: QuickArgs = { _: parsed.positionals };
  for (const [name, d] of Object.entries(options)) {
    const vs = parsed.values[name] as (string | boolean)[] | undefined;
    if (vs === undefined) {
      if (d.default !== undefined) a[name] = d.default;
      else if (d.type === 'count') a[name] = 0;
      continue;
    }
    if (d.type === 'count') {
      a[name] = vs.length;
      continue;
    }
    if (vs.length > 1 && !repeatable.has(name) && !d.array) return undefined;
    if (d.type === 'boolean') {
      a[name] = true;
      continue;
    }
    const strs = vs as string[];
    // values yargs reads its own way: "" and "-x" (an option to it)
    if (strs.some((v) => v === '' || v.startsWith('-'))) return undefined;
    if (d.choices && strs.some((v) => !d.choices!.includes(v))) return undefined;
    let values: (string | number)[] = strs;
    if (d.type === 'number') {
      if (strs.some((v) => !/^(0|[1-9]\d{0,14})$/.test(v))) return undefined;
      values = strs.map(Number);
    }
    a[name] = d.array ? values : values.length > 1 ? values : values[0];
  }
  return a;
}
