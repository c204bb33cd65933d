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
        "native/mapping.cc",
        "native/fwctl.cc",
        "native/pidfd.cc",
        "native/flock.cc",
        "native/netlink.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fstack-protector-strong"],
      "cflags_cc!": ["-fno-exceptions"]
    },
    {
      "target_name": "mlx5ctl_shim",
      "type": "shared_library",
      "product_dir": "<(PRODUCT_DIR)",
      "product_prefix": "lib",
      "sources": [
        "native/shim/real.c",
        "native/shim/uaccess.c",
        "native/shim/devices.c",
        "native/shim/sysfs.c",
        "native/shim/proto.c",
        "native/shim/session.c",
        "native/shim/umem.c",
        "native/shim/shim_open.c",
        "native/shim/shim_stat.c",
        "native/shim/shim_paths.c",
        "native/shim/shim_xattr.c",
        "native/shim/shim_ioctl.c"
      ],
      "defines!": ["_FILE_OFFSET_BITS=64", "_LARGEFILE_SOURCE", "BUILDING_NODE_EXTENSION"],
      "cflags": ["-fPIC", "-O2", "-Wall", "-Wextra", "-fstack-protector-strong", "-fno-delete-null-pointer-checks", "-fvisibility=hidden"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
