#!/usr/bin/env node
// vltrace-record: the command line and everything after it are in dist/src/cli.js
import { main } from '../dist/src/cli.js';
await main(process.argv.slice(2));
