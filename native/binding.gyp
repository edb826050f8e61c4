{
  "targets": [
    {
      "target_name": "vltrace",
      "sources": ["src/addon.cc", "src/recorder.c", "src/writer.c", "src/ringbuf.c", "src/drain.c", "src/signals.c"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "build",
        "include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags": ["-O2", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc": ["-O2", "-Wall", "-std=c++17"],
      "libraries": ["-lbpf", "-lelf", "-lz", "-lpthread"]
    }
  ]
}
