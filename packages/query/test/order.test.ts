// textOrder is localeCompare's order, fast path or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textOrder } from '../src/order.js';

test('textOrder orders as localeCompare does', () => {
  const alphabet = 'ab09z.-_=AZ é/~ ';
  let seed = 42;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const word = () => Array.from({ length: rnd(6) }, () => alphabet[rnd(alphabet.length)]).join('');
  const words = ['host=synth-01', 'host=synth-10', 'host=synth-02', 'part-0.parquet', 'part-10.parquet', 'part-9.parquet', 'pid=12', 'pid=120', 'pid=2',
    'read', 'readv', 'read_x', 'read-x', 'Read', 'rt_sigaction', 'rt_sigprocmask', 'newfstatat', 'new_x', 'a.b', 'a-b', 'a=b', 'a_b', 'ab', '', 'a', 'A'];
  for (let i = 0; i < 3000; i++) words.push(word());
  for (const a of words) for (const b of words.slice(0, 300)) assert.equal(Math.sign(textOrder(a, b)), Math.sign(a.localeCompare(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});
