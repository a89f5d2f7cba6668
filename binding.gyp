{
  "targets": [
    {
      "target_name": "planledger_native",
      "sources": ["native/binding.c", "native/canonical.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
