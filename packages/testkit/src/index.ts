/**
 * @vltrace/testkit: what the tests and benchmarks of several vltrace packages share, kept out of
 * the published packages (private workspace package).
 */
export { machineSpeed } from './machine-speed.js';
export { packetsOf, type Packet } from './packets.js';
export { synthesizeTrace, syntheticMeta, type SynthOptions } from './synth.js';
export {
  compareStrace, DIFF_CATEGORIES, joinCalls, parseStraceLines, withoutPreExec,
  type CompareOptions, type DiffCategory, type JoinedCall, type LineDiff, type LineKind, type StraceComparison, type StraceLine,
} from './strace-compare.js';
