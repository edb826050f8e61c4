/**
 * Rendering report rows: an aligned table (strace -c style), JSON, CSV (RFC 4180) or Markdown.
 * Rows keep raw values (numbers, exact bigints, strings); a column's `text` only shapes how a
 * value reads in a table or Markdown (6 decimals of seconds, a tree prefix…).
 */

/** The output formats every command takes (`--format`). */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A value in a row. */
export type Cell = string | number | bigint | boolean | null | undefined | readonly unknown[] | { readonly [k: string]: unknown };

/** One column of a report. */
export interface Column {
  /** the row property (also the JSON key and the CSV header) */
  readonly key: string;
  /** the table / Markdown heading */
  readonly title: string;
  readonly align?: 'left' | 'right';
  /** how the value reads in a table; default String(value), '' for null */
  readonly text?: (value: Cell, row: Readonly<Record<string, Cell>>) => string;
}

/** Rows with their columns, and an optional total line (shown in table and Markdown only). */
export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  readonly footer?: Readonly<Record<string, Cell>>;
  /** the fields of JSON and CSV output (default: the columns' keys) */
  readonly dataKeys?: readonly string[];
}

/** Renders a table in the given format; the text ends with a newline (empty for no rows in csv/json). */
export function renderTable(t: Table, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return renderJson(t);
    case 'csv':
      return renderCsv(t);
    case 'markdown':
      return renderMarkdown(t);
    default:
      return renderText(t);
  }
}

function plain(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return toJson(v);
  return String(v);
}

function cellText(c: Column, row: Readonly<Record<string, Cell>>): string {
  const v = row[c.key];
  return c.text ? c.text(v, row) : plain(v);
}

function renderText(t: Table): string {
  const all = t.footer ? [...t.rows, t.footer] : t.rows;
  const cells = all.map((r) => t.columns.map((c) => cellText(c, r).replace(/[\n\r\t]/g, ' ')));
  const widths = t.columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const last = t.columns.length - 1;
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => (t.columns[i]!.align === 'right' ? v.padStart(widths[i]!) : i === last ? v : v.padEnd(widths[i]!)))
      .join(' ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(' ');
  const out = [line(t.columns.map((c) => c.title)), rule];
  cells.slice(0, t.rows.length).forEach((r) => out.push(line(r)));
  if (t.footer) out.push(rule, line(cells[cells.length - 1]!));
  return out.join('\n') + '\n';
}

function renderMarkdown(t: Table): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\n\r]/g, ' ');
  const all = t.footer ? [...t.rows, t.footer] : t.rows;
  const out = [
    `| ${t.columns.map((c) => esc(c.title)).join(' | ')} |`,
    `|${t.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`,
    ...all.map((r) => `| ${t.columns.map((c) => esc(cellText(c, r))).join(' | ')} |`),
  ];
  return out.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function dataKeys(t: Table): readonly string[] {
  return t.dataKeys ?? t.columns.map((c) => c.key);
}

function renderCsv(t: Table): string {
  const keys = dataKeys(t);
  const out = [keys.map(csvField).join(',')];
  for (const r of t.rows) out.push(keys.map((k) => csvField(plain(r[k]))).join(','));
  return out.join('\r\n') + '\r\n';
}

function renderJson(t: Table): string {
  if (t.rows.length === 0) return '[]\n';
  const keys = dataKeys(t);
  const lines = t.rows.map((r) => `{${keys.map((k) => `${JSON.stringify(k)}:${toJson(r[k] ?? null)}`).join(',')}}`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

/** JSON text of a value; bigints are written as exact integer literals (not strings). */
export function toJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Fixed-point with `d` decimals ('' for null). */
export function fixed(d: number): (v: Cell) => string {
  return (v) => (v === null || v === undefined ? '' : Number(v).toFixed(d));
}
