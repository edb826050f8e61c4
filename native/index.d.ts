// SPDX-License-Identifier: BSD-3-Clause
/** This package's directory */
export declare const PACKAGE_DIR: string;
/** The platform the package is prebuilt for and the BPF program is written for: "linux-x64" */
export declare const SUPPORTED: string;
/** The CO-RE BPF object (also embedded in the addon): a `-N` directory's vltrace.bpf.o */
export declare const BPF_OBJECT: string;

/** The native part cannot be used here; the message says what was tried, in one line. */
export declare class NativeUnavailableError extends Error {
  constructor(message: string);
}

export interface NativeFiles {
  /** the Node addon (vltrace.node, or the prebuilt node.napi.glibc.node) */
  addon: string;
  /** the helper that starts a command blocked until tracing is attached */
  vltStart: string;
  bpfObject: string;
}

/** Paths of the native files; throws NativeUnavailableError. */
export declare function files(): NativeFiles;
/** The addon's exports, loaded once (typed by its user); throws NativeUnavailableError. */
export declare function load(): unknown;
