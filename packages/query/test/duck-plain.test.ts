// duck-plain.ts reads results of plain column types itself; what it gives must be what node-api's
// reader (db.ts's readWithNodeApi, used for every other type) gives for the same result, value
// for value: edge values of every integer width, 64-bit values past 2^53, NULLs, doubles that are
// not finite, long and short (inlined) strings, results of several chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckBindings, openPlain, readPlain } from '../src/duck-plain.js';
import { readWithNodeApi, TraceDb } from '../src/db.js';

const QUERIES = [
  `SELECT true AS b, false AS f, NULL::BOOLEAN AS n`,
  `SELECT (-128)::TINYINT AS a, 127::TINYINT AS b, 255::UTINYINT AS c, (-32768)::SMALLINT AS d, 65535::USMALLINT AS e,
          (-2147483648)::INTEGER AS f, 4294967295::UINTEGER AS g, NULL::INTEGER AS h`,
  `SELECT 9007199254740991::BIGINT AS safe, 9007199254740993::BIGINT AS past, (-9223372036854775808)::BIGINT AS lo,
          18446744073709551615::UBIGINT AS u, 170141183460469231731687303715884105727::HUGEINT AS h,
          (-170141183460469231731687303715884105728)::HUGEINT AS hlo, (-5)::HUGEINT AS hneg, sum(x)::HUGEINT AS s
   FROM (VALUES (1), (2)) t(x)`,
  `SELECT 1.5::DOUBLE AS d, -0.0::DOUBLE AS z, 'nan'::DOUBLE AS nan, 'inf'::DOUBLE AS inf, '-inf'::DOUBLE AS ninf, NULL::DOUBLE AS n`,
  `SELECT '' AS e, 'twelve chars' AS t, 'thirteen char' AS u, 'é – ✓ ' || repeat('x', 100) AS long, NULL::VARCHAR AS n`,
  // several chunks (2048 rows each), NULLs in a pattern that crosses validity words
  `SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1000000007 END AS big, CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i END AS s,
          i % 7 = 0 AS b FROM range(5000) t(i)`,
  // GROUP BY ALL with count/sum like the summary's
  `SELECT i % 4 AS k, count(*) AS n, sum(i)::BIGINT AS s, min(i) AS lo FROM range(100000) t(i) GROUP BY ALL ORDER BY k`,
];

test('plain reads give what node-api gives', async () => {
  const d = duckBindings();
  const { db, connection } = await openPlain();
  try {
    for (const sql of QUERIES) {
      const plain = await readPlain(await d.query(connection, sql));
      assert.ok(plain, `read plainly: ${sql}`);
      const api = await readWithNodeApi(await d.query(connection, sql));
      assert.deepEqual(plain, api, sql);
      // key order too: JSON and CSV output follow it
      assert.deepEqual(plain.rows.map((r) => Object.keys(r)), api.rows.map((r) => Object.keys(r)), sql);
    }
  } finally {
    d.disconnect_sync(connection);
    d.close_sync(db);
  }
});

test('other types are left to node-api, which reads the result whole', async () => {
  const d = duckBindings();
  const { db, connection } = await openPlain();
  try {
    for (const sql of [`SELECT 1 AS i, TIMESTAMP '2026-12-05 08:00:00.123456' AS t`, `SELECT [1, 2] AS l`, `SELECT 1.25::DECIMAL(10, 2) AS dec`, `SELECT {'a': 1} AS s`]) {
      assert.equal(await readPlain(await d.query(connection, sql)), undefined, sql);
    }
  } finally {
    d.disconnect_sync(connection);
    d.close_sync(db);
  }
  const t = await TraceDb.create();
  try {
    const r = await t.query(`SELECT 7::BIGINT AS i, TIMESTAMP '2026-12-05 08:00:00.123456' AS t, 1.25::DECIMAL(10, 2) AS dec`);
    assert.deepEqual(r, { columns: ['i', 't', 'dec'], rows: [{ i: 7, t: '2026-12-05 08:00:00.123456', dec: 1.25 }] });
  } finally {
    t.close();
  }
});

test('SQL errors keep DuckDB\'s message', async () => {
  const t = await TraceDb.create();
  try {
    await assert.rejects(t.query('SELECT nope FROM nowhere'), /Catalog Error: Table with name nowhere does not exist/);
  } finally {
    t.close();
  }
});
