# The CPU backend's libraries: OpenBLAS (GEMM; Debian's libopenblas-openmp-dev) and OpenMP
# (threads).
#
# OpenBLAS is not linked: engine/cpu/blas.cc opens it with dlopen when the first CPU backend is
# made, so that processes that run no model do not pay for loading it (see blas.h). Only its
# header is needed to build, and the path of the library to prefer at run time.
#
# Which OpenBLAS build: the engine calls sgemm from inside its own OpenMP thread team, one call
# per thread, so OpenBLAS's own threads are never wanted. The OpenMP build shares our libgomp
# team and starts no threads of its own; the pthread build (Debian's default alternative) starts
# a pool that spins on sched_yield against ours. So the OpenMP build is preferred, by full path
# (all builds share the soname libopenblas.so.0, which the system alternative resolves); the
# soname is the fallback at run time.
set(HUB_OPENBLAS_OPENMP_DIRS /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/aarch64-linux-gnu/openblas-openmp)
find_path(HUB_CBLAS_INCLUDE_DIR cblas.h
  PATHS /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/aarch64-linux-gnu/openblas-openmp
        /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/aarch64-linux-gnu/openblas-pthread
        /usr/include/openblas NO_DEFAULT_PATH)
find_path(HUB_CBLAS_INCLUDE_DIR cblas.h)
find_file(HUB_OPENBLAS_OPENMP_LIBRARY libopenblas.so.0 PATHS ${HUB_OPENBLAS_OPENMP_DIRS} NO_DEFAULT_PATH)
find_library(HUB_OPENBLAS_LIBRARY NAMES openblas)
if(NOT HUB_CBLAS_INCLUDE_DIR OR (NOT HUB_OPENBLAS_OPENMP_LIBRARY AND NOT HUB_OPENBLAS_LIBRARY))
  message(FATAL_ERROR "OpenBLAS not found: apt-get install libopenblas-openmp-dev")
endif()
if(HUB_OPENBLAS_OPENMP_LIBRARY)
  message(STATUS "OpenBLAS: OpenMP build ${HUB_OPENBLAS_OPENMP_LIBRARY}, loaded when a model first runs")
  set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/cpu/blas.cc APPEND PROPERTY COMPILE_DEFINITIONS
               HUB_OPENBLAS_PATH="${HUB_OPENBLAS_OPENMP_LIBRARY}")
else()
  message(STATUS "OpenBLAS: libopenblas.so.0 as the system resolves it, loaded when a model first runs (not the "
                 "OpenMP build: its thread pool spins against the engine's; apt-get install libopenblas-openmp-dev)")
endif()
find_package(OpenMP REQUIRED COMPONENTS CXX)
target_include_directories(libhub SYSTEM PRIVATE ${HUB_CBLAS_INCLUDE_DIR})
target_link_libraries(libhub PRIVATE OpenMP::OpenMP_CXX ${CMAKE_DL_LIBS})
