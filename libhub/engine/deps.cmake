# The CPU backend's libraries: OpenBLAS (GEMM; Debian's libopenblas-dev) and OpenMP (threads).
# OpenBLAS is found directly (not through FindBLAS) because the engine calls its
# openblas_set_num_threads() and must not silently get the reference BLAS.
find_path(HUB_CBLAS_INCLUDE_DIR cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/aarch64-linux-gnu/openblas-pthread
        /usr/include/openblas NO_DEFAULT_PATH)
find_path(HUB_CBLAS_INCLUDE_DIR cblas.h)
find_library(HUB_OPENBLAS_LIBRARY NAMES openblas)
if(NOT HUB_OPENBLAS_LIBRARY OR NOT HUB_CBLAS_INCLUDE_DIR)
  message(FATAL_ERROR "OpenBLAS not found: apt-get install libopenblas-dev")
endif()
find_package(OpenMP REQUIRED COMPONENTS CXX)
target_include_directories(libhub SYSTEM PRIVATE ${HUB_CBLAS_INCLUDE_DIR})
target_link_libraries(libhub PRIVATE ${HUB_OPENBLAS_LIBRARY} OpenMP::OpenMP_CXX)
