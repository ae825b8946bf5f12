#!/usr/bin/env bash
# Runs the GPU test folders on WebGPU in Node (Dawn). Without a GPU it runs them on a software
# Vulkan driver, picked with --adapter (or $CUGAN_TEST_ADAPTER):
#   swiftshader (default): SwiftShader from Debian's chromium package (the browsers' adapter);
#   lavapipe: Mesa 25's lavapipe (Debian bookworm-backports' mesa-vulkan-drivers; .ci/run installs
#     it), which has shader-f16 and subgroups, so the native-f16 and subgroup kernels run there;
#   system: whatever driver the Vulkan loader finds (a real GPU); also $CUGAN_REAL_GPU=1.
# In a folder, a test file runs on the adapters its `// @adapters NAME...` line names (none:
# swiftshader only); files named one by one always run. test/run.mjs does the picking.
# A memory limit makes a runaway shader compile fail fast instead of eating the machine (V8
# then needs --disable-wasm-trap-handler).
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
adapter=${CUGAN_TEST_ADAPTER:-}
if [ "${1:-}" = --adapter ]; then
  adapter=${2:?--adapter needs swiftshader, lavapipe or system}
  shift 2
fi
# A driver picked by hand (VK_ICD_FILENAMES) or a real GPU: use what the loader is given.
if [ -n "${CUGAN_REAL_GPU:-}" ] || [ -n "${VK_ICD_FILENAMES:-}" ]; then adapter=${adapter:-system}; fi
adapter=${adapter:-swiftshader}
case "$adapter" in
  swiftshader) icd=${CUGAN_SWIFTSHADER_ICD:-/usr/lib/chromium/vk_swiftshader_icd.json} ;;
  lavapipe) icd=${CUGAN_LAVAPIPE_ICD:-/usr/share/vulkan/icd.d/lvp_icd.json} ;;
  system) icd= ;;
  *) echo "gpu-test.sh: unknown adapter '$adapter' (swiftshader, lavapipe or system)" >&2; exit 2 ;;
esac
if [ -n "$icd" ] && [ -z "$browser" ]; then
  if [ ! -f "$icd" ]; then
    echo "gpu-test.sh: no $adapter Vulkan driver ($icd)." >&2
    [ "$adapter" = lavapipe ] && echo "  Install Mesa 25's lavapipe: add Debian's bookworm-backports suite to apt's sources, then apt-get install -t bookworm-backports mesa-vulkan-drivers (see .ci/run)." >&2
    [ "$adapter" = swiftshader ] && echo "  Install Debian's chromium package (it carries SwiftShader's Vulkan driver)." >&2
    exit 1
  fi
  export VK_ICD_FILENAMES=$icd
fi
# Browsers pick their adapter by flags (test/helpers/browser.ts); the Node tests learn theirs here.
[ -z "$browser" ] && export CUGAN_TEST_ADAPTER=$adapter
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
if [ -z "$browser" ]; then
  export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-wasm-trap-handler"
  # lavapipe's Node process reserves ~34 GB of address space from the start (its JIT), so its
  # limit is higher; its compiles stay under 1 GB resident.
  # SwiftShader's Node process holds ~14.5 GB of address space before its first shader, and each
  # compile adds more (the workgroup-tiled conv3x3 ~0.3 GB): 16 GB crashed the autotune's tests
  # once it timed four kernel sets, so 24 GB.
  vmem=24000000
  [ "$adapter" = lavapipe ] && vmem=64000000
  ulimit -v "${CUGAN_TEST_VMEM_KB:-$vmem}"
fi
exec node "$(dirname "$0")/../test/run.mjs" "$@"
