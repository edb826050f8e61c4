#!/usr/bin/env node
// vltrace-record: the command line and everything after it are in dist/bundle/vltrace-record.js
// (src/start.ts and what it imports, bundled by the build: scripts/bundle.mjs)
import { main } from '../dist/bundle/vltrace-record.js';
await main(process.argv.slice(2));
