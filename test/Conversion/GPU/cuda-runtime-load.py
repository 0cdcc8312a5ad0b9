# libprune_cuda_runtime.so loads on a machine without an NVIDIA driver and
# fails cleanly there: the first mgpu* call prints one line naming the call
# and the reason, and exits with status 2 (no crash, no partial output), both
# when called directly and from a JIT-run prune-gpu-pipeline module. Where a
# GPU is present, a device round trip (alloc, memset, copies) must also work.
#
# REQUIRES: cuda-runtime
# RUN: %python %s --lib %prune_cuda_runtime --prune-opt prune-opt --mlir-runner mlir-runner \
# RUN:   --cuda-include %cuda_include \
# RUN:   --shared-libs %mlir_c_runner_utils,%mlir_runner_utils --input %S/gpu-pipeline.mlir | FileCheck %s
# CHECK: probe: {{[0-9]+ device|no GPU}}
# CHECK: no driver: exit 2: prune-cuda-runtime: mgpuStreamCreate: cannot load the CUDA driver library '/nonexistent/libcuda.so.1'
# CHECK: stub driver: {{exit 2: prune-cuda-runtime: mgpuMemAlloc: cuInit failed with CUDA_ERROR_STUB_LIBRARY|skipped}}
# CHECK: jit without driver: exit 2, no output: prune-cuda-runtime: mgpuModuleLoadJIT: cannot load
# CHECK: device round trip: {{ok|skipped}}
# CHECK: OK

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile


def call_in_child(lib, env_path, call):
    """Runs `call` (Python source using `lib`) in a child whose driver is
    `env_path`; returns (exit status, stdout, stderr)."""
    env = dict(os.environ)
    env["PRUNE_LIBCUDA"] = env_path
    code = ("import ctypes\nlib = ctypes.CDLL(%r)\n%s\nprint('returned')\n" % (lib, call))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--prune-opt", required=True)
    ap.add_argument("--mlir-runner", required=True)
    ap.add_argument("--shared-libs", required=True)
    ap.add_argument("--cuda-include")
    ap.add_argument("--input", required=True)
    a = ap.parse_args()
    ok = True

    lib = ctypes.CDLL(a.lib)  # must load whatever the machine has
    msg = ctypes.create_string_buffer(512)
    n = lib.pruneCudaRuntimeProbe(msg, len(msg))
    print("probe: %s" % ("%d device(s): %s" % (n, msg.value.decode()) if n > 0
                         else "no GPU: " + msg.value.decode()))

    rc, out, err = call_in_child(a.lib, "/nonexistent/libcuda.so.1", "lib.mgpuStreamCreate()")
    print("no driver: exit %d: %s" % (rc, err))
    ok &= rc == 2 and "returned" not in out and err.count("\n") == 0

    stub = None
    if a.cuda_include:
        for d in ("lib64/stubs", "lib/stubs", "targets/x86_64-linux/lib/stubs"):
            cand = os.path.join(os.path.dirname(a.cuda_include), d, "libcuda.so")
            if os.path.exists(cand):
                stub = cand
                break
    if stub:
        rc, out, err = call_in_child(a.lib, stub, "lib.mgpuMemAlloc(ctypes.c_uint64(64), None, False)")
        print("stub driver: exit %d: %s" % (rc, err))
        ok &= rc == 2 and "returned" not in out
    else:
        print("stub driver: skipped (no stub libcuda.so next to the toolkit)")

    # The JIT path: the lowered module calls the runtime from mlir-runner.
    with tempfile.TemporaryDirectory() as tmp:
        lowered = os.path.join(tmp, "lowered.mlir")
        src = open(a.input).read()
        main_fn = """
  func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
  func.func @main() {
    %x = arith.constant dense<1.0> : tensor<16x32xf16>
    %c = arith.constant dense<0.0> : tensor<16x16xf32>
    %x2 = arith.constant dense<1.0> : tensor<16x16xf16>
    %w2 = arith.constant dense<1.0> : tensor<16x16xf16>
    %y, %z = call @mlp(%x, %c, %x2, %w2) : (tensor<16x32xf16>, tensor<16x16xf32>, tensor<16x16xf16>, tensor<16x16xf16>) -> (tensor<16x16xf32>, tensor<16x16xf32>)
    %b = bufferization.to_buffer %y : tensor<16x16xf32> to memref<16x16xf32>
    %u = memref.cast %b : memref<16x16xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }
"""
        module = "module {\n" + src + main_fn + "}\n"
        p = subprocess.run([a.prune_opt, "--prune-gpu-pipeline=format=isa chip=sm_80",
                            "-", "-o", lowered], input=module, capture_output=True, text=True)
        if p.returncode:
            print("FAIL: prune-gpu-pipeline: " + p.stderr[-2000:])
            return 1
        env = dict(os.environ)
        env["PRUNE_LIBCUDA"] = "/nonexistent/libcuda.so.1"
        libs = a.lib + "," + a.shared_libs
        p = subprocess.run([a.mlir_runner, "-e", "main", "-entry-point-result=void",
                            "-shared-libs=" + libs, lowered], env=env,
                           capture_output=True, text=True)
        err = p.stderr.strip().splitlines()
        print("jit without driver: exit %d, %s: %s" % (
            p.returncode, "no output" if not p.stdout else "output", err[-1] if err else ""))
        ok &= p.returncode == 2 and not p.stdout

    if n > 0:
        rc, out, err = call_in_child(a.lib, "", """
import array
lib.mgpuMemAlloc.restype = ctypes.c_void_p
lib.mgpuStreamCreate.restype = ctypes.c_void_p
s = ctypes.c_void_p(lib.mgpuStreamCreate())
d = ctypes.c_void_p(lib.mgpuMemAlloc(ctypes.c_uint64(256), s, False))
lib.mgpuMemset32(d, ctypes.c_uint(0x3f800000), ctypes.c_size_t(64), s)
host = (ctypes.c_float * 64)()
lib.mgpuMemcpy(ctypes.cast(host, ctypes.c_void_p), d, ctypes.c_size_t(256), s)
lib.mgpuStreamSynchronize(s)
assert list(host) == [1.0] * 64, list(host)
src = (ctypes.c_float * 64)(*range(64))
lib.mgpuMemcpy(d, ctypes.cast(src, ctypes.c_void_p), ctypes.c_size_t(256), s)
lib.mgpuMemcpy(ctypes.cast(host, ctypes.c_void_p), d, ctypes.c_size_t(256), s)
lib.mgpuStreamSynchronize(s)
assert list(host) == [float(i) for i in range(64)], list(host)
lib.mgpuMemFree(d, s)
lib.mgpuStreamDestroy(s)
""")
        print("device round trip: %s" % ("ok" if rc == 0 and "returned" in out else
                                         "FAILED (exit %d): %s" % (rc, err)))
        ok &= rc == 0
    else:
        print("device round trip: skipped (no GPU)")
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
