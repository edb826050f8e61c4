/**
 * vltrace-record's entry point (bin/vltrace-record.js imports it, from dist/bundle/ where the
 * build bundles it): the load of the BPF object is started first (launch.ts reads what it
 * needs from the command line), then the rest is imported: the command line and everything
 * after it are in cli.ts. The dynamic import keeps cli.ts and its imports out of the way of
 * the load's start (an ESM graph is read whole before any of it runs).
 */
import { startEarly } from './launch.js';

/** Runs vltrace-record with `argv` (the arguments after the script) and sets the exit status. */
export async function main(argv: string[]): Promise<void> {
  startEarly(argv);
  const cli = await import('./cli.js');
  await cli.main(argv);
}
