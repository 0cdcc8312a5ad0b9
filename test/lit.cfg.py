# -*- Python -*-
# lit configuration for mlir-prune.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "PRUNE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.prune_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(
    ("%prune_plugin", os.path.join(config.prune_obj_root, "lib", "libPrunePlugin.so"))
)
config.substitutions.append(("%prune_src", config.prune_src_root))
config.substitutions.append(
    ("%mlir_c_runner_utils", os.path.join(config.mlir_lib_dir, "libmlir_c_runner_utils.so"))
)
config.substitutions.append(
    ("%mlir_runner_utils", os.path.join(config.mlir_lib_dir, "libmlir_runner_utils.so"))
)

# Test helpers (reference implementations, JIT comparison) run on Debian's
# Python, which is where python3-numpy / python3-torch are installed.
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
config.substitutions.append(("%python", python))
config.substitutions.append(("%testlib", os.path.join(config.prune_src_root, "test", "lib")))

def _has_module(name):
    import subprocess
    return subprocess.call([python, "-c", "import " + name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0

if _has_module("numpy"):
    config.available_features.add("numpy")
if _has_module("torch"):
    config.available_features.add("torch")
if _has_module("onnx"):
    config.available_features.add("onnx")
# ONNX tests (test/Target/ONNX, test/Integration/onnx-*): prune-translate is
# built only when libonnx is installed; onnxruntime-node and the PaddleOCR
# models come from npm (scripts/setup.sh installs them into build-npm/).
if os.path.exists(os.path.join(config.prune_obj_root, "bin", "prune-translate")):
    config.available_features.add("prune-translate")
_npm = os.environ.get("PRUNE_NPM_DIR", os.path.join(config.prune_src_root, "build-npm"))
config.substitutions.append(("%npm_dir", _npm))
if shutil.which("node") and os.path.isdir(os.path.join(_npm, "node_modules", "onnxruntime-node")):
    config.available_features.add("onnxruntime")
if os.path.isdir(os.path.join(_npm, "node_modules", "@gutenye", "ocr-models", "assets")):
    config.available_features.add("ocr-models")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):  # Debian libonnx-testdata
    config.available_features.add("onnx-testdata")

# GPU lowering (test/Conversion/GPU): ptxas validates the emitted PTX;
# cuda-gpu tests execute kernels and need a device that nvidia-smi lists.
_ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.path.exists(_ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))
_smi = shutil.which("nvidia-smi")
if _smi:
    import subprocess
    try:
        if "GPU " in subprocess.run([_smi, "-L"], capture_output=True, text=True,
                                    timeout=20).stdout:
            config.available_features.add("cuda-gpu")
    except (OSError, subprocess.SubprocessError):
        pass

# libprune_cuda_runtime.so (lib/Runtime/CUDA): the mgpu* runtime, built when
# cuda.h is found; it loads without a driver (tests check the error path).
_cuda_rt = os.path.join(config.prune_obj_root, "lib", "libprune_cuda_runtime.so")
config.substitutions.append(("%prune_cuda_runtime", _cuda_rt))
config.substitutions.append(
    ("%cuda_include", getattr(config, "cuda_include_dir", "") or
     os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(_ptxas))), "include")))
if os.path.exists(_cuda_rt):
    config.available_features.add("cuda-runtime")

# AArch64 kernels (test/Integration/cpu-aarch64-qemu.py): cross-compiled with
# llc and aarch64-linux-gnu-gcc, run under qemu-user.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("qemu-aarch64")
config.substitutions.append(("%llvm_tools_dir", config.llvm_tools_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [os.path.join(config.prune_obj_root, "bin"), config.llvm_tools_dir]
tools = [
    "prune-opt",
    "prune-run",
    ToolSubst("prune-translate", unresolved="ignore"),
    ToolSubst("mlir-opt", os.path.join(config.llvm_tools_dir, "mlir-opt")),
    ToolSubst("mlir-runner", os.path.join(config.llvm_tools_dir, "mlir-runner")),
    ToolSubst("mlir-translate", os.path.join(config.llvm_tools_dir, "mlir-translate")),
    ToolSubst("llc", os.path.join(config.llvm_tools_dir, "llc")),
    ToolSubst("not", os.path.join(config.llvm_tools_dir, "not")),
    ToolSubst("FileCheck", os.path.join(config.llvm_tools_dir, "FileCheck")),
    ToolSubst("split-file", os.path.join(config.llvm_tools_dir, "split-file")),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
