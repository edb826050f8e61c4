// Writes samples/synthetic.bin: a small synthetic recording (the demo's fallback input).
import { synthesizeTrace } from '@vltrace/testkit';
const out = new URL('./synthetic.bin', import.meta.url).pathname;
console.log(await synthesizeTrace(out, { syscalls: 300, seed: 7 }));
