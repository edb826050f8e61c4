/**
 * How the vltrace CLIs speak on stderr: `prog: message`, a usage mistake followed by
 * `Try 'prog --help' for more information.`, and --version. One style for the three commands.
 */
import { readFileSync } from 'node:fs';

/** `prog: message` on stderr. */
export function say(prog: string, message: string): void {
  process.stderr.write(`${prog}: ${message}\n`);
}

/** A usage mistake: the message and where to read more. */
export function sayUsage(prog: string, message: string): void {
  process.stderr.write(`${prog}: ${message}\nTry '${prog} --help' for more information.\n`);
}

/** A bug: the stack, and a request to report it. */
export function sayInternal(prog: string, e: unknown): void {
  process.stderr.write(`${prog}: internal error, please report it:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
}

/** `prog 1.0.0`: the version in the package.json at `packageJson` (a file URL). */
export function versionLine(prog: string, packageJson: URL): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return `${prog} ${version}\n`;
}
