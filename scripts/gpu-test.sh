#!/usr/bin/env bash
# Runs the GPU test folders on WebGPU in Node (Dawn). Without a GPU driver configured it uses
# SwiftShader from Debian's chromium package. A memory limit makes a runaway shader compile
# fail fast instead of eating the machine (V8 then needs --disable-wasm-trap-handler).
#
# --browser (first argument): for test folders that launch Chromium (test/e2e). Chromium dies
# at start under `ulimit -v` (every process reserves ~55 GB of address space, a renderer
# ~1.5 TB), so no address-space limit is set; test/helpers/browser.ts guards instead: it kills
# the browser when its processes hold more than CUGAN_E2E_MAX_RSS_MB (default 8000) resident
# or when a test runs past its time limit.
set -euo pipefail
browser=
if [ "${1:-}" = --browser ]; then
  browser=1
  shift
fi
icd=${CUGAN_SWIFTSHADER_ICD:-/usr/lib/chromium/vk_swiftshader_icd.json}
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${CUGAN_REAL_GPU:-}" ] && [ -f "$icd" ]; then
  export VK_ICD_FILENAMES=$icd
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
if [ -z "$browser" ]; then
  export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-wasm-trap-handler"
  ulimit -v "${CUGAN_TEST_VMEM_KB:-16000000}"
fi
exec node "$(dirname "$0")/../test/run.mjs" "$@"
