// SPDX-License-Identifier: BSD-3-Clause
/* @vltrace/native: where this package's native files are, and the addon loaded. The addon is
 * found where node-gyp-build finds it: build/Release/ (a build from source, or `make` in a
 * clone) before prebuilds/linux-x64/; the two usual places are checked directly, anything else
 * is left to node-gyp-build. vlt-start lies beside it. CommonJS so that a require() can load it
 * synchronously and tell a missing package from a broken one. */
'use strict';
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const PACKAGE_DIR = __dirname;
const PLATFORM = `${process.platform}-${process.arch}`;
/** The one platform prebuilt, and the one the BPF program is written for */
const SUPPORTED = 'linux-x64';
const BPF_OBJECT = join(PACKAGE_DIR, 'gen', 'vltrace.bpf.o');
/** The prebuilt addon (N-API, glibc), as `make prebuild` names it for node-gyp-build */
const PREBUILT = join(PACKAGE_DIR, 'prebuilds', SUPPORTED, 'node.napi.glibc.node');
/** The addon built from source (binding.gyp's target) */
const BUILT = join(PACKAGE_DIR, 'build', 'Release', 'vltrace.node');
const FROM_SOURCE = 'building it from source needs a C/C++ compiler and the libbpf, libelf and zlib development files: npm rebuild @vltrace/native';

/** The native part cannot be used here: `message` says what was tried, in one line. */
class NativeUnavailableError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NativeUnavailableError';
  }
}

/** Paths of the addon, vlt-start and the BPF object; throws NativeUnavailableError. */
function files() {
  if (PLATFORM !== SUPPORTED) {
    throw new NativeUnavailableError(`@vltrace/native is built for ${SUPPORTED} only (this is ${PLATFORM})`);
  }
  // a build from source is what node-gyp-build picks first (build/Release, its only .node file):
  // taken without loading node-gyp-build (~4 ms of module resolution and compiling in front of
  // vltrace-record's BPF load), and so is the glibc prebuild below; other prebuilds are matched
  // by node-gyp-build
  let addon = BUILT;
  if (!process.env.PREBUILDS_ONLY && !existsSync(addon) && existsSync(PREBUILT) && !existsSync('/etc/alpine-release')) {
    // the one prebuild, where node-gyp-build would pick it (glibc: it takes Alpine for musl),
    // also without loading it (~2.5 ms more in front of an installed vltrace-record's load)
    addon = PREBUILT;
  } else if (process.env.PREBUILDS_ONLY || !existsSync(addon)) {
    try {
      addon = require('node-gyp-build').resolve(PACKAGE_DIR);
    } catch {
      throw new NativeUnavailableError(
        `no addon in ${join(PACKAGE_DIR, 'build/Release')} nor ${join(PACKAGE_DIR, 'prebuilds', SUPPORTED)}: ${FROM_SOURCE}`);
    }
  }
  const vltStart = join(dirname(addon), 'vlt-start');
  if (!existsSync(vltStart)) throw new NativeUnavailableError(`${vltStart} is missing beside the addon: ${FROM_SOURCE}`);
  return { addon, vltStart, bpfObject: BPF_OBJECT };
}

let loaded;

/** The addon, loaded once; throws NativeUnavailableError naming the file and why. */
function load() {
  if (loaded) return loaded;
  const { addon } = files();
  try {
    loaded = require(addon);
  } catch (e) {
    const why = String(e && e.message ? e.message : e).split('\n')[0];
    throw new NativeUnavailableError(`cannot load ${addon}: ${why}; ${FROM_SOURCE}`);
  }
  return loaded;
}

module.exports = { PACKAGE_DIR, SUPPORTED, BPF_OBJECT, NativeUnavailableError, files, load };
