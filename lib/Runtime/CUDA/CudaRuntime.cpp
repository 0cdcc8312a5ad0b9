//===- CudaRuntime.cpp - the mgpu* runtime on the CUDA driver API ---------===//
//
// Part of mlir-prune.
//
// The functions MLIR 22's `gpu-to-llvm` lowering (and the gpu.binary
// translation) calls from host code: module load/unload, kernel lookup and
// launch, streams, events, device memory, memset, host registration. They
// run on the CUDA *driver* API, opened with dlopen at the first call, so the
// library loads on machines without an NVIDIA driver: there, the first mgpu*
// call prints one clear line and exits with status 2 (never a segfault on a
// null handle). `pruneCudaRuntimeProbe` answers "is there a usable GPU"
// without exiting, for tests and benchmarks that want to skip.
//
// Every driver error is fatal: the message names the mgpu function, the
// driver call and the CUresult name, then the process exits with status 1.
// A JIT-run kernel whose launch failed must not go on to print a result.
//
// Environment:
//   PRUNE_LIBCUDA       path of the driver library (default libcuda.so.1)
//   PRUNE_CUDA_DEBUG    print each launch and module load to stderr
//   PRUNE_CUDA_PROFILE  time each kernel with CUDA events (the launch
//                       waits for the kernel) and print one line per launch,
//                       "prune-cuda-runtime: kernel #<n> grid (..) <ms> ms"
//
// Only cuda.h's types and the driver's C ABI are used; nothing links against
// libcuda or libcudart at build time.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

#include <dlfcn.h>

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#if defined(__GNUC__)
#define PRUNE_MGPU_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define PRUNE_MGPU_EXPORT extern "C"
#endif

namespace {

// cuda.h maps several entry points to versioned symbols (cuMemAlloc ->
// cuMemAlloc_v2, ...). Stringify after macro expansion so dlsym looks up the
// symbol the header's prototype describes, never the legacy 32-bit one.
#define PRUNE_STR(x) #x
#define PRUNE_XSTR(x) PRUNE_STR(x)

// The driver entry points this file uses.
#define PRUNE_CUDA_FUNCTIONS(X)                                                \
  X(cuInit)                                                                    \
  X(cuDriverGetVersion)                                                        \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxSetCurrent)                                                           \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamWaitEvent)                                                         \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuMemAlloc)                                                                \
  X(cuMemAllocManaged)                                                         \
  X(cuMemFree)                                                                 \
  X(cuMemcpyAsync)                                                             \
  X(cuMemsetD16Async)                                                          \
  X(cuMemsetD32Async)                                                          \
  X(cuMemHostRegister)                                                         \
  X(cuMemHostUnregister)

#if CUDA_VERSION >= 12000
#define PRUNE_CUDA_OPTIONAL_FUNCTIONS(X) X(cuLaunchKernelEx)
#else
#define PRUNE_CUDA_OPTIONAL_FUNCTIONS(X)
#endif

struct Driver {
#define PRUNE_DECLARE(fn) decltype(&fn) fn##Ptr = nullptr;
  PRUNE_CUDA_FUNCTIONS(PRUNE_DECLARE)
  PRUNE_CUDA_OPTIONAL_FUNCTIONS(PRUNE_DECLARE)
#undef PRUNE_DECLARE
  /// cuEventElapsedTime(_v2): CUDA 12.8 headers name the _v2 symbol, which
  /// older drivers lack; both have this signature. Profiling only.
  CUresult (*elapsedTimePtr)(float *, CUevent, CUevent) = nullptr;

  /// Empty when the driver is usable; else why not (one line).
  std::string error;
  CUdevice device = 0;
  CUcontext context = nullptr;
  int deviceCount = 0;
  char deviceName[128] = {0};
};

bool debugEnabled() {
  static const bool enabled = std::getenv("PRUNE_CUDA_DEBUG") != nullptr;
  return enabled;
}

bool profileEnabled() {
  static const bool enabled = std::getenv("PRUNE_CUDA_PROFILE") != nullptr;
  return enabled;
}

/// Device ordinal for the primary context; set by mgpuSetDefaultDevice
/// before the first call that needs a context.
int32_t defaultDevice = 0;

std::string resultName(const Driver &d, CUresult r) {
  const char *name = nullptr, *text = nullptr;
  if (d.cuGetErrorNamePtr)
    d.cuGetErrorNamePtr(r, &name);
  if (d.cuGetErrorStringPtr)
    d.cuGetErrorStringPtr(r, &text);
  std::string s = name ? name
                  : r == CUDA_ERROR_STUB_LIBRARY
                      ? "CUDA_ERROR_STUB_LIBRARY"
                      : ("CUresult " + std::to_string((int)r));
  if (text)
    s += std::string(" (") + text + ")";
  return s;
}

/// Opens the driver, initialises it and retains the primary context of the
/// default device. Never exits; failures land in Driver::error.
void initialise(Driver &d) {
  const char *path = std::getenv("PRUNE_LIBCUDA");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    d.error = std::string("cannot load the CUDA driver library '") + path +
              "' (" + (why ? why : "unknown reason") +
              "): no NVIDIA driver on this machine?";
    return;
  }
#define PRUNE_LOAD(fn)                                                         \
  d.fn##Ptr = reinterpret_cast<decltype(&fn)>(dlsym(handle, PRUNE_XSTR(fn)));  \
  if (!d.fn##Ptr) {                                                            \
    d.error = std::string("the CUDA driver library '") + path +                \
              "' has no symbol " PRUNE_XSTR(fn);                               \
    return;                                                                    \
  }
  PRUNE_CUDA_FUNCTIONS(PRUNE_LOAD)
#undef PRUNE_LOAD
#define PRUNE_LOAD_OPTIONAL(fn)                                                \
  d.fn##Ptr = reinterpret_cast<decltype(&fn)>(dlsym(handle, PRUNE_XSTR(fn)));
  PRUNE_CUDA_OPTIONAL_FUNCTIONS(PRUNE_LOAD_OPTIONAL)
#undef PRUNE_LOAD_OPTIONAL
  for (const char *name : {"cuEventElapsedTime_v2", "cuEventElapsedTime"})
    if (!d.elapsedTimePtr)
      d.elapsedTimePtr =
          reinterpret_cast<decltype(d.elapsedTimePtr)>(dlsym(handle, name));

  CUresult r = d.cuInitPtr(0);
  if (r != CUDA_SUCCESS) {
    d.error = "cuInit failed with " + resultName(d, r) +
              ": no usable NVIDIA GPU (or only the toolkit's stub driver)";
    return;
  }
  r = d.cuDeviceGetCountPtr(&d.deviceCount);
  if (r != CUDA_SUCCESS || d.deviceCount == 0) {
    d.error = "the CUDA driver reports no device";
    return;
  }
  if (defaultDevice < 0 || defaultDevice >= d.deviceCount) {
    d.error = "default device " + std::to_string(defaultDevice) +
              " out of range (" + std::to_string(d.deviceCount) + " devices)";
    return;
  }
  if ((r = d.cuDeviceGetPtr(&d.device, defaultDevice)) != CUDA_SUCCESS ||
      (r = d.cuDevicePrimaryCtxRetainPtr(&d.context, d.device)) !=
          CUDA_SUCCESS) {
    d.error = "cannot open device " + std::to_string(defaultDevice) + ": " +
              resultName(d, r);
    return;
  }
  d.cuDeviceGetNamePtr(d.deviceName, sizeof(d.deviceName) - 1, d.device);
}

Driver &driverNoExit() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] { initialise(d); });
  return d;
}

[[noreturn]] void die(const char *where, const std::string &what, int code) {
  std::fprintf(stderr, "prune-cuda-runtime: %s: %s\n", where, what.c_str());
  std::fflush(stderr);
  std::exit(code);
}

/// The driver with the primary context current on this thread; exits with
/// status 2 and one clear line when there is no usable GPU.
Driver &driver(const char *where) {
  Driver &d = driverNoExit();
  if (!d.error.empty())
    die(where, d.error, 2);
  CUcontext current = nullptr;
  if (d.cuCtxGetCurrentPtr(&current) != CUDA_SUCCESS || current != d.context)
    if (CUresult r = d.cuCtxSetCurrentPtr(d.context))
      die(where, "cuCtxSetCurrent failed with " + resultName(d, r), 1);
  return d;
}

void check(const Driver &d, CUresult r, const char *where, const char *call) {
  if (r != CUDA_SUCCESS)
    die(where, std::string(call) + " failed with " + resultName(d, r), 1);
}

#define PRUNE_CHECK(d, call) check(d, d.call, __func__, #call)

/// MLIR's ranked memref descriptor: {allocated, aligned, offset, sizes[rank],
/// strides[rank]} (see mlir/ExecutionEngine/CRunnerUtils.h).
struct MemRefDescriptor {
  void *allocated;
  char *aligned;
  int64_t offset;
  // int64_t sizes[rank], strides[rank] follow.
  const int64_t *sizesAndStrides() const {
    return reinterpret_cast<const int64_t *>(this + 1);
  }
};
static_assert(sizeof(MemRefDescriptor) == 3 * sizeof(int64_t),
              "descriptor header is three words");

/// Start and byte size of a memref's data; exits unless it is contiguous
/// (row-major, unit innermost stride), the only layout registration handles.
void contiguousRange(int64_t rank, const MemRefDescriptor *desc,
                     int64_t elementBytes, const char *where, char *&start,
                     uint64_t &bytes) {
  const int64_t *sizes = desc->sizesAndStrides();
  const int64_t *strides = sizes + rank;
  int64_t expected = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    if (sizes[i] != 1 && strides[i] != expected)
      die(where, "only contiguous row-major memrefs can be registered", 1);
    expected *= sizes[i];
  }
  start = desc->aligned + desc->offset * elementBytes;
  bytes = static_cast<uint64_t>(expected) * elementBytes;
}

} // namespace

//===----------------------------------------------------------------------===//
// Status for tests and benchmarks.
//===----------------------------------------------------------------------===//

/// Number of usable devices (> 0), or 0 when there is none; writes the name
/// of the default device, or why there is no GPU, into `message`.
PRUNE_MGPU_EXPORT int pruneCudaRuntimeProbe(char *message, size_t size) {
  Driver &d = driverNoExit();
  std::string text = d.error.empty() ? std::string(d.deviceName) : d.error;
  if (message && size) {
    std::strncpy(message, text.c_str(), size - 1);
    message[size - 1] = 0;
  }
  return d.error.empty() ? d.deviceCount : 0;
}

//===----------------------------------------------------------------------===//
// Modules and launches.
//===----------------------------------------------------------------------===//

/// A cubin or fatbin (gpu-module-to-binary format=bin/fatbin).
PRUNE_MGPU_EXPORT CUmodule mgpuModuleLoad(void *data, size_t size) {
  Driver &d = driver(__func__);
  CUmodule module = nullptr;
  if (debugEnabled())
    std::fprintf(stderr, "prune-cuda-runtime: load module (%zu bytes)\n", size);
  PRUNE_CHECK(d, cuModuleLoadDataPtr(&module, data));
  return module;
}

/// PTX text (format=isa), compiled by the driver's JIT at `optLevel`.
PRUNE_MGPU_EXPORT CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  Driver &d = driver(__func__);
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(
                        optLevel < 0 ? 0 : (optLevel > 4 ? 4 : optLevel)))};
  CUmodule module = nullptr;
  if (debugEnabled())
    std::fprintf(stderr, "prune-cuda-runtime: JIT PTX module (O%d)\n",
                 optLevel);
  CUresult r = d.cuModuleLoadDataExPtr(&module, data, 3, options, values);
  if (r != CUDA_SUCCESS)
    die(__func__,
        "cuModuleLoadDataEx failed with " + resultName(d, r) +
            "; JIT log: " + log,
        1);
  return module;
}

PRUNE_MGPU_EXPORT void mgpuModuleUnload(CUmodule module) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuModuleUnloadPtr(module));
}

PRUNE_MGPU_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                   const char *name) {
  Driver &d = driver(__func__);
  CUfunction function = nullptr;
  CUresult r = d.cuModuleGetFunctionPtr(&function, module, name);
  if (r != CUDA_SUCCESS)
    die(__func__,
        std::string("no kernel '") + name +
            "' in the module: " + resultName(d, r),
        1);
  return function;
}

/// Dynamic shared memory above the default 48 KiB needs an opt-in per
/// function.
static void allowSharedMemory(Driver &d, CUfunction function, int32_t smem,
                              const char *where) {
  if (smem <= 48 * 1024)
    return;
  int maxOptIn = 0;
  check(d,
        d.cuDeviceGetAttributePtr(
            &maxOptIn, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
            d.device),
        where, "cuDeviceGetAttribute");
  if (smem > maxOptIn)
    die(where,
        "the kernel asks for " + std::to_string(smem) +
            " bytes of shared memory; the device allows " +
            std::to_string(maxOptIn),
        1);
  check(d,
        d.cuFuncSetAttributePtr(
            function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem),
        where, "cuFuncSetAttribute");
}

// Sizes are intptr_t (MLIR's index), not CUDA's unsigned int.
PRUNE_MGPU_EXPORT void mgpuLaunchKernel(CUfunction function, intptr_t gridX,
                                        intptr_t gridY, intptr_t gridZ,
                                        intptr_t blockX, intptr_t blockY,
                                        intptr_t blockZ, int32_t smem,
                                        CUstream stream, void **params,
                                        void **extra, size_t paramsCount) {
  Driver &d = driver(__func__);
  allowSharedMemory(d, function, smem, __func__);
  if (debugEnabled())
    std::fprintf(stderr,
                 "prune-cuda-runtime: launch grid (%" PRIdPTR ", %" PRIdPTR
                 ", %" PRIdPTR ") block (%" PRIdPTR ", %" PRIdPTR ", %" PRIdPTR
                 ") smem %d, %zu params\n",
                 gridX, gridY, gridZ, blockX, blockY, blockZ, smem,
                 paramsCount);
  bool profile = profileEnabled() && d.elapsedTimePtr;
  CUevent start = nullptr, stop = nullptr;
  if (profile) {
    PRUNE_CHECK(d, cuEventCreatePtr(&start, CU_EVENT_DEFAULT));
    PRUNE_CHECK(d, cuEventCreatePtr(&stop, CU_EVENT_DEFAULT));
    PRUNE_CHECK(d, cuEventRecordPtr(start, stream));
  }
  PRUNE_CHECK(d,
              cuLaunchKernelPtr(function, gridX, gridY, gridZ, blockX, blockY,
                                blockZ, smem, stream, params, extra));
  if (profile) {
    static int launches = 0;
    float ms = 0;
    PRUNE_CHECK(d, cuEventRecordPtr(stop, stream));
    PRUNE_CHECK(d, cuEventSynchronizePtr(stop));
    PRUNE_CHECK(d, elapsedTimePtr(&ms, start, stop));
    std::fprintf(stderr,
                 "prune-cuda-runtime: kernel #%d grid (%" PRIdPTR ", %" PRIdPTR
                 ", %" PRIdPTR ") %.4f ms\n",
                 launches++, gridX, gridY, gridZ, ms);
    PRUNE_CHECK(d, cuEventDestroyPtr(start));
    PRUNE_CHECK(d, cuEventDestroyPtr(stop));
  }
}

/// Thread-block clusters (sm_90): cuLaunchKernelEx with a cluster dimension.
/// MLIR 22's translation passes no parameter count here (unlike
/// mgpuLaunchKernel).
PRUNE_MGPU_EXPORT void
mgpuLaunchClusterKernel(CUfunction function, intptr_t clusterX,
                        intptr_t clusterY, intptr_t clusterZ, intptr_t gridX,
                        intptr_t gridY, intptr_t gridZ, intptr_t blockX,
                        intptr_t blockY, intptr_t blockZ, int32_t smem,
                        CUstream stream, void **params, void **extra) {
  Driver &d = driver(__func__);
#if CUDA_VERSION >= 12000
  if (!d.cuLaunchKernelExPtr)
    die(__func__, "the CUDA driver has no cuLaunchKernelEx (CUDA < 12)", 1);
  allowSharedMemory(d, function, smem, __func__);
  PRUNE_CHECK(
      d, cuFuncSetAttributePtr(
             function, CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1));
  CUlaunchAttribute attribute;
  std::memset(&attribute, 0, sizeof(attribute));
  attribute.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attribute.value.clusterDim.x = clusterX;
  attribute.value.clusterDim.y = clusterY;
  attribute.value.clusterDim.z = clusterZ;
  CUlaunchConfig config;
  std::memset(&config, 0, sizeof(config));
  config.gridDimX = gridX;
  config.gridDimY = gridY;
  config.gridDimZ = gridZ;
  config.blockDimX = blockX;
  config.blockDimY = blockY;
  config.blockDimZ = blockZ;
  config.sharedMemBytes = smem;
  config.hStream = stream;
  config.attrs = &attribute;
  config.numAttrs = 1;
  PRUNE_CHECK(d, cuLaunchKernelExPtr(&config, function, params, extra));
#else
  (void)function, (void)clusterX, (void)clusterY, (void)clusterZ;
  (void)gridX, (void)gridY, (void)gridZ, (void)blockX, (void)blockY;
  (void)blockZ, (void)smem, (void)stream, (void)params, (void)extra;
  die(__func__, "built against CUDA < 12: no cluster launches", 1);
#endif
}

//===----------------------------------------------------------------------===//
// Streams and events.
//===----------------------------------------------------------------------===//

PRUNE_MGPU_EXPORT CUstream mgpuStreamCreate() {
  Driver &d = driver(__func__);
  CUstream stream = nullptr;
  PRUNE_CHECK(d, cuStreamCreatePtr(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

PRUNE_MGPU_EXPORT void mgpuStreamDestroy(CUstream stream) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuStreamDestroyPtr(stream));
}

/// Where asynchronous kernel faults surface: they are reported here.
PRUNE_MGPU_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuStreamSynchronizePtr(stream));
}

PRUNE_MGPU_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuStreamWaitEventPtr(stream, event, 0));
}

PRUNE_MGPU_EXPORT CUevent mgpuEventCreate() {
  Driver &d = driver(__func__);
  CUevent event = nullptr;
  PRUNE_CHECK(d, cuEventCreatePtr(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

PRUNE_MGPU_EXPORT void mgpuEventDestroy(CUevent event) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuEventDestroyPtr(event));
}

PRUNE_MGPU_EXPORT void mgpuEventSynchronize(CUevent event) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuEventSynchronizePtr(event));
}

PRUNE_MGPU_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuEventRecordPtr(event, stream));
}

//===----------------------------------------------------------------------===//
// Memory.
//===----------------------------------------------------------------------===//

/// gpu.alloc; `isHostShared` (gpu.alloc host_shared) gives managed memory.
/// The allocation itself is synchronous; `stream` orders nothing here.
PRUNE_MGPU_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, CUstream stream,
                                     bool isHostShared) {
  (void)stream;
  Driver &d = driver(__func__);
  CUdeviceptr ptr = 0;
  if (sizeBytes == 0)
    return nullptr;
  if (isHostShared)
    PRUNE_CHECK(d, cuMemAllocManagedPtr(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL));
  else
    PRUNE_CHECK(d, cuMemAllocPtr(&ptr, sizeBytes));
  return reinterpret_cast<void *>(ptr);
}

/// gpu.dealloc. cuMemFree waits for outstanding work on the buffer.
PRUNE_MGPU_EXPORT void mgpuMemFree(void *ptr, CUstream stream) {
  (void)stream;
  if (!ptr)
    return;
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemFreePtr(reinterpret_cast<CUdeviceptr>(ptr)));
}

/// gpu.memcpy in any direction (unified addressing tells host from device).
PRUNE_MGPU_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                                  CUstream stream) {
  if (sizeBytes == 0)
    return;
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemcpyAsyncPtr(reinterpret_cast<CUdeviceptr>(dst),
                                  reinterpret_cast<CUdeviceptr>(src), sizeBytes,
                                  stream));
}

/// gpu.memset on 32-bit elements; `count` is in elements.
PRUNE_MGPU_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                                    CUstream stream) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemsetD32AsyncPtr(reinterpret_cast<CUdeviceptr>(dst), value,
                                     count, stream));
}

/// gpu.memset on 16-bit elements; `count` is in elements.
PRUNE_MGPU_EXPORT void mgpuMemset16(void *dst, unsigned short value,
                                    size_t count, CUstream stream) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemsetD16AsyncPtr(reinterpret_cast<CUdeviceptr>(dst), value,
                                     count, stream));
}

PRUNE_MGPU_EXPORT void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemHostRegisterPtr(ptr, sizeBytes, 0));
}

PRUNE_MGPU_EXPORT void mgpuMemHostUnregister(void *ptr) {
  Driver &d = driver(__func__);
  PRUNE_CHECK(d, cuMemHostUnregisterPtr(ptr));
}

/// gpu.host_register: pins the data of a contiguous ranked memref.
PRUNE_MGPU_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank,
                                                 MemRefDescriptor *descriptor,
                                                 int64_t elementSizeBytes) {
  char *start;
  uint64_t bytes;
  contiguousRange(rank, descriptor, elementSizeBytes, __func__, start, bytes);
  if (bytes)
    mgpuMemHostRegister(start, bytes);
}

PRUNE_MGPU_EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank,
                                                   MemRefDescriptor *descriptor,
                                                   int64_t elementSizeBytes) {
  (void)rank;
  mgpuMemHostUnregister(descriptor->aligned +
                        descriptor->offset * elementSizeBytes);
}

/// Selects the device whose primary context later calls use. Only effective
/// before the first call that opens the driver.
PRUNE_MGPU_EXPORT void mgpuSetDefaultDevice(int32_t device) {
  defaultDevice = device;
}
