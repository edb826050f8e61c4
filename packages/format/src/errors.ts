/**
 * The format's one error type. Every problem with input bytes is a FormatError naming the file,
 * the byte offset and what was expected there; readers deliver everything decoded before it.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    /** The file (or stream label) being read. */
    readonly file: string,
    /** Byte offset in the file where the problem starts. */
    readonly offset: number,
    /** What the reader expected at that offset. */
    readonly expected: string,
    /** What it found instead, if worth saying. */
    readonly found?: string,
  ) {
    super(`${file}: offset ${offset}: expected ${expected}${found === undefined ? '' : `, found ${found}`}`);
  }
}

/** A non-fatal problem (e.g. a truncated tail): reported, never thrown. */
export interface FormatWarning {
  readonly file: string;
  readonly offset: number;
  readonly message: string;
}
