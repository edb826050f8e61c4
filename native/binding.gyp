# The Node addon and vlt-start. `gen/` holds the skeleton of the BPF object (made by the
# Makefile with clang and bpftool, shipped in the npm package), so a build from the package's
# sources needs only a C/C++ compiler and libbpf/libelf/zlib headers and libraries.
# libbpf: by default the system's (libbpf-dev; the build in the repository and the source build
# at install). The package's prebuilt addon links it statically instead (`make prebuild`
# passes -Dlibbpf_static=libbpf.a -Dlibbpf_include=its headers): distributions' libbpf.a is
# not position-independent, so the Makefile builds one with -fPIC from libbpf's source. Its
# symbols stay inside the addon (--exclude-libs), so nothing in the process can bind to them.
# libelf and zlib stay dynamic: every distribution has them.
{
  "variables": {
    "libbpf_static%": "",
    "libbpf_include%": ""
  },
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
      "conditions": [
        ["libbpf_static == ''", {
          "libraries": ["-lbpf", "-lelf", "-lz", "-lpthread"]
        }, {
          "include_dirs+": ["<(libbpf_include)"],
          "ldflags": ["-Wl,--exclude-libs,ALL"],
          "libraries": ["<(libbpf_static)", "-lelf", "-lz", "-lpthread"]
        }]
      ]
    },
    {
      "target_name": "vlt-start",
      "type": "executable",
      "sources": ["src/vlt-start.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
