#!/usr/bin/env node
// Writes trace.h (the C description of the bin format) to the path given, or to stdout.
import { writeFileSync } from 'node:fs';
import { renderTraceH } from '../dist/src/trace-h.js';
const out = process.argv[2];
if (out) writeFileSync(out, renderTraceH());
else process.stdout.write(renderTraceH());
