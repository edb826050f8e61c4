/**
 * Where the code of the converter's threads is, from this module's own place (dist/src/). The
 * command line runs from a bundle (dist/cli/, scripts/bundle.mjs), where a module's
 * `import.meta.url` is its chunk's: the bundle imports this module from dist/src instead of
 * copying it, so that these paths hold for both. vltrace-query's bundle, which holds the
 * converter's code too, imports it as `@vltrace/convert/worker-paths` for the same reason.
 */
/** The decoding thread, bundled into one file (scripts/bundle.mjs: it starts ~15 ms sooner). */
export const DECODE_THREAD = new URL('../bundle/decode-thread.js', import.meta.url);
/** The Parquet encoder thread (parquet-worker.ts). */
export const PARQUET_WORKER = new URL('./parquet-worker.js', import.meta.url);
