#!/usr/bin/env node
// vltrace-query: the command line and everything after it are in dist/cli/cli.js
// (src/cli.ts and what it imports, bundled by the build: scripts/bundle.mjs)
import { main } from '../dist/cli/cli.js';
await main(process.argv.slice(2));
