{
  "targets": [
    {
      "target_name": "mlx5ctl_native",
      "sources": [
        "native/addon.cc",
        "native/errno_error.cc",
        "native/fdpass.cc",
        "native/unix_socket.cc",
        "native/poller.cc",
        "native/memfd.cc",
        "native/mapping.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fstack-protector-strong"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
