# engine: the op interface (backend.h) and the CPU backend (OpenBLAS GEMM + multiversioned
# kernels on OpenMP threads).
list(APPEND HUB_SOURCES engine/weight.cc engine/activation.cc engine/rope.cc engine/cpu/kernels.cc engine/cpu/packed_gemm.cc engine/cpu/blas.cc
     engine/cpu/cpu_backend.cc)
# The CPU kernels are written for the auto-vectorizer (branch-free math, simd reductions). Two
# flags let it do its job: -O3, because -O2 runs it with GCC's "very cheap" cost model, which
# refuses loops with a condition or an epilogue; and -fno-trapping-math, without which GCC will
# not turn the clamps' compare-and-select into vector min/max (it keeps a branch, as if a
# floating-point exception could be trapped). The engine never enables FP traps. Measured on a
# BERT-base forward: GELU went from 16% of the time (scalar) to a vector loop.
set_source_files_properties(
  ${CMAKE_CURRENT_LIST_DIR}/cpu/kernels.cc ${CMAKE_CURRENT_LIST_DIR}/cpu/cpu_backend.cc
  ${CMAKE_CURRENT_LIST_DIR}/cpu/packed_gemm.cc
  PROPERTIES COMPILE_OPTIONS "-fno-trapping-math;$<$<NOT:$<CONFIG:Debug>>:-O3>")
