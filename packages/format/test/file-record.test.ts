// The files behind descriptors: FILE records in data chunks (FD_RET, FD_PAIR, CWD) decode and
// name files as d_path() does, and FD_INFO packets come back as fd_info events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketWriter } from '../src/encode.js';
import { decodeFileRecords, encodeFileRecords, fileName, FS_MAGIC, type FileRecord } from '../src/file-record.js';
import { FD_CWD, FILE_FLAGS, FILE_RECORD_LAYOUT, offsetOf } from '../src/layout.js';
import { openTrace } from '../src/reader.js';
import { FormatError } from '../src/errors.js';
import { image, readAll, tmpFile } from './helpers.js';

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('latin1'));
const nameOf = (r: FileRecord) => {
  const n = fileName(r);
  return n && `${text(n.name)}${n.deleted ? ' (deleted)' : ''}`;
};
const TMPFS = 0x01021994;
const EXT4 = 0xef53;

test('a record round-trips: fd, inode, mode, magic, flags and the components innermost first', () => {
  const bytes = encodeFileRecords([{ fd: 3, ino: 2n ** 40n + 7n, mode: 0o100644, magic: EXT4, components: ['libc.so.6', 'x86_64-linux-gnu', 'lib', 'usr'] }]);
  assert.equal(bytes.length, FILE_RECORD_LAYOUT.sizeof + 4 * 2 + 9 + 16 + 3 + 3);
  const [r, ...rest] = decodeFileRecords(bytes);
  assert.equal(rest.length, 0);
  assert.deepEqual({ ...r!, components: r!.components.map(text) }, {
    fd: 3, ino: 2n ** 40n + 7n, mode: 0o100644, magic: EXT4, flags: 0, components: ['libc.so.6', 'x86_64-linux-gnu', 'lib', 'usr'],
  });
  assert.equal(nameOf(r!), '/usr/lib/x86_64-linux-gnu/libc.so.6');
});

test('FD_PAIR: two records back to back; a record cut short keeps what it holds, flagged truncated', () => {
  const bytes = encodeFileRecords([
    { fd: 3, ino: 534129n, mode: 0o10600, magic: FS_MAGIC.PIPEFS, flags: FILE_FLAGS.DNAME.bit, components: [''] },
    { fd: 4, ino: 534129n, mode: 0o10600, magic: FS_MAGIC.PIPEFS, flags: FILE_FLAGS.DNAME.bit, components: [''] },
  ]);
  assert.deepEqual(decodeFileRecords(bytes).map((r) => [r.fd, nameOf(r)]), [[3, 'pipe:[534129]'], [4, 'pipe:[534129]']]);
  const path = encodeFileRecords([{ fd: 5, magic: EXT4, components: ['c', 'b', 'a'] }]);
  const cut = decodeFileRecords(path.subarray(0, path.length - 2));
  assert.equal(cut.length, 1);
  assert.ok(cut[0]!.flags & FILE_FLAGS.TRUNCATED.bit);
  assert.equal(nameOf(cut[0]!), '.../b/c');
  assert.deepEqual(decodeFileRecords(path.subarray(0, 10)), [], 'less than a record header: nothing');
});

test('names as d_path gives them: the root, deleted files, files the file system names, a walk cut short, no file', () => {
  const r = (spec: Parameters<typeof encodeFileRecords>[0][0]) => decodeFileRecords(encodeFileRecords([spec]))[0]!;
  const dname = FILE_FLAGS.DNAME.bit;
  assert.equal(nameOf(r({ fd: FD_CWD, magic: EXT4, components: [] })), '/');
  assert.equal(nameOf(r({ fd: 3, magic: TMPFS, flags: FILE_FLAGS.DELETED.bit, components: ['#2146351', 'tmp'] })), '/tmp/#2146351 (deleted)');
  assert.equal(nameOf(r({ fd: 3, ino: 534131n, magic: FS_MAGIC.SOCKFS, flags: dname, components: ['UNIX'] })), 'socket:[534131]');
  assert.equal(nameOf(r({ fd: 3, magic: FS_MAGIC.ANON_INODE_FS, flags: dname, components: ['[eventfd]'] })), 'anon_inode:[eventfd]');
  assert.equal(nameOf(r({ fd: 3, magic: FS_MAGIC.ANON_INODE_FS, flags: dname, components: ['inotify'] })), 'anon_inode:inotify');
  assert.equal(nameOf(r({ fd: 3, magic: FS_MAGIC.PID_FS, flags: dname, components: ['anything'] })), 'anon_inode:[pidfd]');
  assert.equal(nameOf(r({ fd: 3, ino: 4026531833n, magic: FS_MAGIC.NSFS, flags: dname, components: ['net'] })), 'net:[4026531833]');
  // simple_dname(): memfd, secretmem, and any other alloc_file_pseudo() file
  assert.equal(nameOf(r({ fd: 3, magic: TMPFS, flags: dname, components: ['memfd:x<y>'] })), '/memfd:x<y> (deleted)');
  assert.equal(nameOf(r({ fd: 3, magic: EXT4, flags: FILE_FLAGS.TRUNCATED.bit, components: ['deep', 'd'] })), '.../d/deep');
  assert.equal(fileName(r({ fd: 9, flags: FILE_FLAGS.NONE.bit })), undefined);
  // any byte a name may hold
  const odd = Uint8Array.of(0x77, 0x3c, 0x01, 0xff, 0x3e);
  assert.deepEqual(fileName(r({ fd: 3, magic: EXT4, components: [odd, 'tmp'] }))!.name, Uint8Array.from([...Buffer.from('/tmp/'), ...odd]));
});

test('fd_info packets come back as events: descriptor, flags, inode, mode and the path bytes', async () => {
  const w = new PacketWriter();
  w.fdInfo({ pid: 40, ts: 5n, fd: FD_CWD, path: '/home/u', ino: 2n, mode: 0o40755 });
  w.fdInfo({ pid: 40, ts: 5n, fd: 1, path: Uint8Array.of(0x2f, 0x74, 0xff), cloexec: true, deleted: true, ino: 99n, mode: 0o100644 });
  w.trailer({ ts: 9n, events: 2n, written: 2n, lost: 0n, lostPerCpu: [0n] });
  const items = await readAll(await openTrace(tmpFile('fdinfo.bin', image(w))));
  const fds = items.flatMap((i) => (i.type === 'fd_info' ? [i] : []));
  assert.deepEqual(fds.map((e) => ({ ...e, path: [...e.path] })), [
    { type: 'fd_info', ts: 5n, pid: 40, tid: 40, fd: FD_CWD, cloexec: false, deleted: false, ino: 2n, mode: 0o40755, path: [...Buffer.from('/home/u')] },
    { type: 'fd_info', ts: 5n, pid: 40, tid: 40, fd: 1, cloexec: true, deleted: true, ino: 99n, mode: 0o100644, path: [0x2f, 0x74, 0xff] },
  ]);
});

test('an fd_info packet whose path runs past its end is an error naming the offset', async () => {
  const w = new PacketWriter();
  w.fdInfo({ pid: 40, ts: 5n, fd: 0, path: '/dev/null' });
  const bytes = image(w);
  const at = bytes.length - w.length + offsetOf('FD_INFO', 'path_len');
  new DataView(bytes.buffer).setUint32(at, 400, true);
  const t = await openTrace(tmpFile('fdinfo-bad.bin', bytes));
  await assert.rejects(readAll(t), (e: unknown) => e instanceof FormatError && e.offset === at && /path length/.test(e.message));
});
