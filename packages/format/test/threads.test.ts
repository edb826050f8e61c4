import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Threads } from '../src/threads.js';

test('thread slots: one per tid, stable as they grow, tid -1 and repeats included; find never creates', () => {
  const t = new Threads();
  const seen = new Map<number, number>();
  let x = 12345;
  let first = 7;
  for (let i = 0; i < 200_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // tids up to 4M (pid_max), the table's empty marker -1, and runs of the same tid
    const tid = i % 97 === 0 ? -1 : i % 3 === 0 ? first : x % 4_194_304;
    if (i === 1) first = tid;
    if (!seen.has(tid)) assert.equal(t.find(tid), -1, `tid ${tid} before its slot`);
    const s = t.slot(tid);
    if (seen.has(tid)) assert.equal(s, seen.get(tid), `tid ${tid}`);
    else assert.equal(s, seen.size, 'slots are handed out in order');
    seen.set(tid, s);
    assert.equal(t.find(tid), s);
  }
  assert.equal(t.count, seen.size);
  for (const [tid, s] of seen) assert.equal(t.find(tid), s);
});
