# The Node addon and vlt-start. `gen/` holds the skeleton of the BPF object (made by the
# Makefile with clang and bpftool, shipped in the npm package), so a build from the package's
# sources needs only a C/C++ compiler and libbpf/libelf/zlib headers and libraries.
# The addon looks for libbpf.so.1 in its own directory first (RUNPATH $ORIGIN): the prebuilt
# addon of the package carries its own libbpf there (Debian's libbpf.a is not
# position-independent, so it cannot be linked into a shared object); elsewhere the system's
# libbpf is used.
{
  "targets": [
    {
      "target_name": "vltrace",
      "sources": ["src/addon.cc", "src/recorder.c", "src/writer.c", "src/ringbuf.c", "src/drain.c", "src/signals.c"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "gen",
        "include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags": ["-O2", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc": ["-O2", "-Wall", "-std=c++17"],
      "ldflags": ["-Wl,-rpath,'$$ORIGIN'"],
      "libraries": ["-lbpf", "-lelf", "-lz", "-lpthread"]
    },
    {
      "target_name": "vlt-start",
      "type": "executable",
      "sources": ["src/vlt-start.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
