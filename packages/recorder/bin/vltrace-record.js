#!/usr/bin/env node
// vltrace-record: first the load of the BPF object is started (dist/src/launch.js reads what it
// needs from the command line), then the rest is imported: the command line and everything
// after it are in dist/src/cli.js
import { startEarly } from '../dist/src/launch.js';
startEarly(process.argv.slice(2));
const { main } = await import('../dist/src/cli.js');
await main(process.argv.slice(2));
