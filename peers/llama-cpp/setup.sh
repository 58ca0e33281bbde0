#!/bin/bash
# Installs the pinned llama.cpp peer (node-llama-cpp 3.21.1, prebuilt llama.cpp CPU binaries for linux-x64) into
# peers/llama-cpp/.node (git-ignored; ~730 MB with the optional CUDA/Vulkan builds npm fetches). Needs node >= 20 and npm.
set -euo pipefail
dir="${NLC_DIR:-$(cd "$(dirname "$0")" && pwd)/.node}"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
npm i -E node-llama-cpp@3.21.1
echo "installed into $dir (set NLC_DIR=$dir if you moved it)"
