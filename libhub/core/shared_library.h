// Libraries opened on first use (internal). libhub links none of the libraries behind its network
// and server code (libcurl, libgit2, libmicrohttpd, and OpenBLAS for the engine): together with
// theirs they are some 40 shared objects, which cost a short command such as `hub cache ls` more
// time to load and relocate than the rest of its start-up. Each module opens its library with
// dlopen when it is first used and calls it through a table of typed function pointers.
#pragma once

#include <initializer_list>
#include <string>

namespace hub::core {

// Opens the first of `candidates` (file names or paths) that loads and keeps it open for the
// life of the process, like a linked library. Throws hub::Error(Errc::unsupported) naming `what`,
// every attempt and `install_hint` when none loads.
void* open_shared_library(std::initializer_list<const char*> candidates, const std::string& what,
                          const std::string& install_hint);

// The address of `name` in `library`; throws hub::Error(Errc::unsupported) naming `what` when the
// library lacks it (an incompatible build).
void* shared_library_symbol(void* library, const char* name, const std::string& what);

// Fills the function pointer `fn` with `name` from `library`.
template <typename Fn>
void resolve_symbol(void* library, const char* name, const std::string& what, Fn& fn) {
  fn = reinterpret_cast<Fn>(shared_library_symbol(library, name, what));
}

}  // namespace hub::core
