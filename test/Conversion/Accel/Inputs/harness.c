#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#define D float *, float *, int64_t, int64_t, int64_t, int64_t, int64_t
#define E(p, r, c) p, p, 0, r, c, c, 1
void entry(D, D, D);
static float *readf(const char *path, size_t n) {
  float *p = malloc(n * sizeof(float));
  FILE *f = fopen(path, "rb");
  if (!f || fread(p, sizeof(float), n, f) != n) { perror(path); exit(3); }
  fclose(f);
  return p;
}
int main(int argc, char **argv) {
  int64_t M = atol(argv[1]), K = atol(argv[2]), N = atol(argv[3]);
  float *x = readf(argv[4], M * K), *c = readf(argv[5], M * N);
  float *y = calloc(M * N, sizeof(float));
  entry(E(x, M, K), E(c, M, N), E(y, M, N));
  FILE *f = fopen(argv[6], "wb");
  fwrite(y, sizeof(float), M * N, f);
  fclose(f);
  return 0;
}
