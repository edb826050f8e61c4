// esbuild settings of the packages' bundles (packages/recorder/scripts/bundle.mjs,
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
