// esbuild settings and helpers of the packages' bundles (packages/*/scripts/bundle.mjs, run by
// scripts/bundle.mjs): ES modules for the Node versions the packages support (package.json
// "engines"), with their source maps beside them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * Bundles a package's command line, tsc's dist/src/cli.js, into dist/cli/ (emptied first), split
 * where it imports lazily so that a run reads only what it uses; chunks sit beside the entry, so
 * a path left to Node (`leave`) holds from each of them. `leaving`: esbuild plugins.
 */
export async function bundleCli(pkgDir, leaving) {
  rmSync(join(pkgDir, 'dist/cli'), { recursive: true, force: true }); // no stale files
  await build({ ...NODE_BUNDLE, absWorkingDir: pkgDir, entryPoints: ['dist/src/cli.js'], outdir: 'dist/cli', splitting: true, plugins: leaving });
}
