// Prints the syscalls of a recording, one per line, with @vltrace/format's script API.
import { openTrace } from '@vltrace/format';
const trace = await openTrace(process.argv[2]);
for await (const sc of trace.syscalls()) {
  const args = sc.args.map((a, i) => (sc.strings[i] !== undefined ? JSON.stringify(sc.strings[i]) : `0x${BigInt.asUintN(64, a).toString(16)}`));
  const ret = sc.ret === undefined ? '?' : sc.errno ? `-1 ${sc.errnoName}` : String(sc.ret);
  console.log(`${sc.pid} ${sc.comm ?? '?'} ${sc.name}(${args.join(', ')}) = ${ret} [${sc.status}]`);
}
console.error(`${trace.file}: ${trace.stats.complete} complete, ${trace.stats.unfinished} unfinished, ${trace.stats.noEntry} no-entry, ${trace.stats.lostPackets} lost packets`);
