// binary-parser 2.x ships its types for the CommonJS entry only; its ESM entry has none
// (TS7016). The two builds have the same API, so the ESM import borrows the CJS types.
declare module 'binary-parser' {
  export { Parser } from 'binary-parser/dist/binary_parser.js';
}
