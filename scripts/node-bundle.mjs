// esbuild settings and helpers of the packages' bundles (packages/recorder/scripts/bundle.mjs,
// packages/convert/scripts/bundle.mjs): ES modules for the Node versions the packages support
// (package.json "engines"), with their source maps beside them.
export const NODE_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  logLevel: 'warning',
};

/**
 * An esbuild plugin: imports matching `filter` (from the directory `dir` only, when given) are
 * left to Node at run time, as `path` (default: as written).
 */
export const leave = (filter, path, dir) => ({
  name: `leave ${filter}`,
  setup(b) {
    b.onResolve({ filter }, (a) => (dir === undefined || a.resolveDir === dir ? { path: path ?? a.path, external: true } : undefined));
  },
});
