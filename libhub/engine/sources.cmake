# engine: the op interface (backend.h) and the CPU backend (OpenBLAS GEMM + multiversioned
# kernels on OpenMP threads).
list(APPEND HUB_SOURCES engine/weight.cc engine/activation.cc engine/rope.cc engine/cpu/kernels.cc engine/cpu/cpu_backend.cc)
