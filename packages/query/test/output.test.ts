// The renderers: aligned table with a total line, JSON with exact bigints, RFC 4180 CSV, Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, type Table } from '../src/output.js';

const t: Table = {
  columns: [
    { key: 'n', title: 'calls', align: 'right' },
    { key: 'name', title: 'syscall' },
  ],
  rows: [
    { n: 12, name: 'openat' },
    { n: 3, name: 'a "quoted", name|x' },
  ],
  footer: { n: 15, name: 'total' },
};

test('table: aligned columns, rule lines, the total after a rule', () => {
  assert.equal(renderTable(t, 'table'), ['calls syscall', '----- ------------------', '   12 openat', '    3 a "quoted", name|x', '----- ------------------', '   15 total', ''].join('\n'));
});

test('csv quotes fields that need it and leaves out the total', () => {
  assert.equal(renderTable(t, 'csv'), 'n,name\r\n12,openat\r\n3,"a ""quoted"", name|x"\r\n');
});

test('json keeps 64-bit integers exact', () => {
  const big = { columns: [{ key: 'v', title: 'v' }], rows: [{ v: 2n ** 63n - 1n }, { v: null }, { v: ['a', 1] }] } satisfies Table;
  assert.equal(renderTable(big, 'json'), '[\n{"v":9223372036854775807},\n{"v":null},\n{"v":["a",1]}\n]\n');
  assert.equal(renderTable({ ...big, rows: [] }, 'json'), '[]\n');
});

test('markdown escapes pipes and right-aligns numbers', () => {
  assert.equal(renderTable(t, 'markdown'), ['| calls | syscall |', '|---:|---|', '| 12 | openat |', '| 3 | a "quoted", name\\|x |', '| 15 | total |', ''].join('\n'));
});
