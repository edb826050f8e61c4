// Runs every package's bundle script, in turn, after tsc -b (`npm run build`, scripts/setup):
// vltrace-record's start path, vltrace-convert's command line and decoding thread,
// vltrace-query's command line (each script says what it bundles and why).
for (const pkg of ['recorder', 'convert', 'query']) await import(new URL(`../packages/${pkg}/scripts/bundle.mjs`, import.meta.url).href);
