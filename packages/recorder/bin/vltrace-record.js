#!/bin/sh
':' //; if [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then exec env -u NODE_EXTRA_CA_CERTS VLTRACE_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" node "$0" "$@"; else exec node "$0" "$@"; fi
// The two lines above are read by sh (line 2 runs node on this file) and ignored by Node (a
// string and a comment). Node 20 parses NODE_EXTRA_CA_CERTS at start-up (~50 ms on a 2-vCPU
// machine); this tool makes no TLS connection, so sh hides it from this process, and the lines
// below put it back for the processes this one starts. Run with `node <this file>`, sh is
// not involved and there is nothing to undo.
if (process.env.VLTRACE_NODE_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.VLTRACE_NODE_EXTRA_CA_CERTS;
  delete process.env.VLTRACE_NODE_EXTRA_CA_CERTS;
}
import('../dist/src/cli.js').then((m) => m.main());
