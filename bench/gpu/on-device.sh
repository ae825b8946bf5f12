#!/usr/bin/env bash
# npm run bench:gpu on a machine without Node or a registry (a lent GPU machine), from the bundle
# `node bench/gpu/pack.mjs` wrote here: .bench-gpu/bench-gpu.tar.xz (carry that folder). Unpacks
# it to a temporary folder, installs the Vulkan loader from its .deb only if the machine lacks
# one, points the loader at NVIDIA's driver where container images keep it outside the search
# path, and runs the bench with the bundled Node. Results go to $OUT if set (the lent machine's
# folder that comes back), else bench/results. Arguments go to the bench (e.g. --dry-run).
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=.bench-gpu/bench-gpu.tar.xz
[ -f "$bundle" ] || { echo "on-device.sh: no $bundle: run node bench/gpu/pack.mjs first (and carry .bench-gpu)" >&2; exit 1; }
work=$(mktemp -d)
tar -C "$work" -xJf "$bundle"
echo "bundle $(cat "$work/VERSION")"
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  for f in "$work"/deb/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia_icd" ] \
  && ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$nvidia_icd
fi
export CUGAN_MODELS=$work/models CUGAN_MEDIA=$work/media CUGAN_PEERS=$work/peers XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
status=0
"$work/node" "$work/app/bench-gpu.mjs" --no-browser --out "${OUT:-bench/results}" "$@" || status=$?
rm -rf "$work"
exit $status
