#!/usr/bin/env bash
# Runs the GPU test folders on WebGPU in Node (Dawn). Without a GPU driver configured it uses
# SwiftShader from Debian's chromium package. A memory limit makes a runaway shader compile
# fail fast instead of eating the machine (V8 then needs --disable-wasm-trap-handler).
set -euo pipefail
icd=${CUGAN_SWIFTSHADER_ICD:-/usr/lib/chromium/vk_swiftshader_icd.json}
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${CUGAN_REAL_GPU:-}" ] && [ -f "$icd" ]; then
  export VK_ICD_FILENAMES=$icd
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-wasm-trap-handler"
ulimit -v "${CUGAN_TEST_VMEM_KB:-16000000}"
exec node "$(dirname "$0")/../test/run.mjs" "$@"
