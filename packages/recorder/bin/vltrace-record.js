#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS VLTRACE_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// Node 20 reads NODE_EXTRA_CA_CERTS at start-up (~50 ms of CPU on a 2-vCPU machine); this tool
// makes no TLS connection, so the shebang hides it from this process. Put it back for the
// processes this one starts (run directly with `node`, the shebang is not used: nothing to undo).
if (process.env.VLTRACE_NODE_EXTRA_CA_CERTS !== undefined) {
  if (process.env.VLTRACE_NODE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = process.env.VLTRACE_NODE_EXTRA_CA_CERTS;
  delete process.env.VLTRACE_NODE_EXTRA_CA_CERTS;
}
import('../dist/src/cli.js').then((m) => m.main());
