/**
 * --help of the vltrace CLIs, from their option tables: usage, a description, the options by
 * group (each with its value's name, choices and default), examples and closing paragraphs,
 * wrapped to the terminal.
 */
import type { OptionSpec, OptionTable } from './args.js';

/** What --help shows besides the options. */
export interface HelpText {
  readonly usage: readonly string[];
  readonly description: string;
  readonly examples?: readonly (readonly [command: string, meaning: string])[];
  /** paragraphs after the options (how it ends, exit status) */
  readonly epilogue?: readonly string[];
}

/** `text` cut into lines of at most `width` characters, each starting with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(indent + line);
  return out;
}

/** `-o, --output FILE` */
export function optionSynopsis(name: string, spec: OptionSpec): string {
  const names = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.negatable ? `, --no-${name}` : ''}`;
  if (spec.type === 'boolean' || spec.type === 'count') return names;
  return `${names} ${spec.value ?? (spec.type === 'number' ? 'N' : 'VALUE')}${spec.list ? '[,...]' : ''}`;
}

function details(spec: OptionSpec): string {
  const parts: string[] = [];
  if (spec.choices) parts.push(`one of: ${spec.choices.join(', ')}`);
  if (spec.default !== undefined && spec.type !== 'boolean') parts.push(`default: ${JSON.stringify(spec.default)}`);
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

/** The options of `table` by group, as --help lists them. */
export function optionLines(table: OptionTable, width: number): string[] {
  const groups = new Map<string, [string, OptionSpec][]>();
  for (const [name, spec] of Object.entries(table)) {
    const g = spec.group ?? 'Options:';
    groups.set(g, [...(groups.get(g) ?? []), [name, spec]]);
  }
  const col = Math.min(34, 2 + Math.max(...Object.entries(table).map(([n, s]) => optionSynopsis(n, s).length)) + 2);
  const out: string[] = [];
  for (const [group, entries] of groups) {
    out.push('', group);
    for (const [name, spec] of entries) {
      const head = `  ${optionSynopsis(name, spec)}`;
      const text = wrap(spec.describe + details(spec), Math.max(40, width), ' '.repeat(col));
      if (head.length + 2 <= col) out.push(head.padEnd(col) + text[0]!.trimStart(), ...text.slice(1));
      else out.push(head, ...text);
    }
  }
  return out;
}

/** The whole --help text of a CLI. */
export function renderHelp(prog: string, table: OptionTable, help: HelpText, width = helpWidth()): string {
  const out: string[] = [...help.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}${prog} ${u}`), '', ...wrap(help.description, width)];
  out.push(...optionLines(table, width));
  if (help.examples?.length) {
    out.push('', 'Examples:');
    for (const [cmd, meaning] of help.examples) out.push(`  ${prog} ${cmd}`, ...wrap(meaning, width, '      '));
  }
  for (const p of help.epilogue ?? []) out.push('', ...wrap(p, width));
  return out.join('\n') + '\n';
}

/** The terminal's width (at most 100), 80 when stdout is not a terminal. */
export function helpWidth(): number {
  return Math.min(100, process.stdout.columns || 80);
}
