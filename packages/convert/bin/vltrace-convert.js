#!/usr/bin/env node
import('../dist/src/cli.js').then(async (m) => (process.exitCode = await m.main(process.argv.slice(2))));
