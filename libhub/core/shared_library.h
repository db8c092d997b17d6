// Libraries opened on first use (internal). libhub links none of the libraries behind its network,
// server and hashing code (libcurl, libgit2, libmicrohttpd, libcrypto, and OpenBLAS for the
// engine): together with theirs they are some 40 shared objects, which cost a short command such as
// `hub cache ls` more time to load and relocate than the rest of its start-up. Each module opens its
// library when it is first used and calls it through a table of typed function pointers.
#pragma once

#include <initializer_list>
#include <string>

namespace hub::core {

// A library opened with dlopen. The library stays loaded for the life of the process, like a
// linked one: this object is only the handle to resolve symbols with, and closes nothing.
class SharedLibrary {
 public:
  // Opens the first of `candidates` (file names or paths; null or empty ones are skipped) that
  // loads. Throws hub::Error(Errc::unsupported) naming `what`, every attempt and `install_hint`
  // when none does.
  SharedLibrary(std::initializer_list<const char*> candidates, std::string what, const std::string& install_hint);

  // Fills the function pointer `fn` with the symbol `name`; throws hub::Error(Errc::unsupported)
  // naming the library and the symbol when it lacks it (an incompatible build).
  template <typename Fn>
  void resolve(const char* name, Fn& fn) const {
    fn = reinterpret_cast<Fn>(symbol(name));
  }

 private:
  void* symbol(const char* name) const;

  void* handle_ = nullptr;
  std::string what_;
};

}  // namespace hub::core
