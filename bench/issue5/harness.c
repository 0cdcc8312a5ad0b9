/* Times one compiled model: links the object that prune-cpu-pipeline +
 * mlir-translate + llc emitted for `forward(x: MxK) -> MxN` (C entry point
 * _mlir_ciface_forward), or OpenBLAS's cblas_sgemm with -DUSE_BLAS.
 * Prints "<median ms> <checksum>" for M K N given on the command line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRef2D;

#ifdef USE_BLAS
#include <cblas.h>
#else
void _mlir_ciface_forward(MemRef2D *out, MemRef2D *in);
#endif

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int64_t m = atoll(argv[1]), k = atoll(argv[2]), n = atoll(argv[3]);
  double budget = argc > 4 ? atof(argv[4]) : 400.0;
  float *x = aligned_alloc(64, ((m * k * 4 + 63) / 64) * 64);
  for (int64_t i = 0; i < m * k; ++i)
    x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
#ifdef USE_BLAS
  float *w = aligned_alloc(64, ((n * k * 4 + 63) / 64) * 64);
  float *y = aligned_alloc(64, ((m * n * 4 + 63) / 64) * 64);
  for (int64_t i = 0; i < n * k; ++i)
    w[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
#endif
  MemRef2D in = {x, x, 0, {m, k}, {k, 1}};
  double times[1000];
  int reps = 0;
  double start = now_ms(), sum = 0;
  while (reps < 1000 && (reps < 3 || now_ms() - start < budget)) {
    double t0 = now_ms();
#ifdef USE_BLAS
    /* y = x * W^T, W [n, k] like a PyTorch Linear. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, x, k,
                w, k, 0.0f, y, n);
    sum = y[0];
#else
    MemRef2D out;
    _mlir_ciface_forward(&out, &in);
    sum = out.aligned[out.offset];
    free(out.allocated);
#endif
    times[reps++] = now_ms() - t0;
  }
  qsort(times, reps, sizeof(double), cmp);
  printf("%.4f %g %d %.4f\n", times[reps / 2], sum, reps, times[0]);
  return 0;
}
