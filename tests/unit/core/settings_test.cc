#include "hub/settings.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

// Sets environment variables for one test and restores the previous values afterwards.
class EnvGuard {
 public:
  EnvGuard() {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
  }
  ~EnvGuard() {
    for (auto& [name, value] : saved_) {
      if (value)
        ::setenv(name, value->c_str(), 1);
      else
        ::unsetenv(name);
    }
  }
  void set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

 private:
  static constexpr const char* kNames[] = {"HF_HOME",
                                           "HF_HUB_CACHE",
                                           "HUGGINGFACE_HUB_CACHE",
                                           "XDG_CACHE_HOME",
                                           "HF_TOKEN",
                                           "HUGGING_FACE_HUB_TOKEN",
                                           "HF_TOKEN_PATH",
                                           "HF_ENDPOINT",
                                           "HF_HUB_OFFLINE",
                                           "TRANSFORMERS_OFFLINE",
                                           "HF_HUB_DISABLE_IMPLICIT_TOKEN"};
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_CASE("cache root precedence (C47)", "[core][settings]") {
  EnvGuard env;
  env.set("HOME", std::getenv("HOME") ? std::getenv("HOME") : "/root");
  std::string home = std::getenv("HOME");
  CHECK(hub::Settings::from_env().cache_dir == std::filesystem::path(home) / ".cache/huggingface/hub");
  env.set("XDG_CACHE_HOME", "/xdg");
  CHECK(hub::Settings::from_env().cache_dir == "/xdg/huggingface/hub");
  env.set("HF_HOME", "/hfhome");
  CHECK(hub::Settings::from_env().cache_dir == "/hfhome/hub");
  env.set("HUGGINGFACE_HUB_CACHE", "/legacy");
  CHECK(hub::Settings::from_env().cache_dir == "/legacy");
  env.set("HF_HUB_CACHE", "/new");
  CHECK(hub::Settings::from_env().cache_dir == "/new");
}

TEST_CASE("token precedence and cleaning (C46)", "[core][settings]") {
  EnvGuard env;
  auto dir = std::filesystem::temp_directory_path() / "libhub_settings_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "  hf_fromfile\r\n";
  env.set("HF_HOME", dir.string());
  CHECK(hub::Settings::from_env().token == "hf_fromfile");
  std::ofstream(dir / "other") << "hf_frompath\n";
  env.set("HF_TOKEN_PATH", (dir / "other").string());
  CHECK(hub::Settings::from_env().token == "hf_frompath");
  env.set("HUGGING_FACE_HUB_TOKEN", "hf_legacy");
  CHECK(hub::Settings::from_env().token == "hf_legacy");
  env.set("HF_TOKEN", " hf_env\n");
  CHECK(hub::Settings::from_env().token == "hf_env");
  env.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
  CHECK_FALSE(hub::Settings::from_env().token);
  std::filesystem::remove_all(dir);
}

TEST_CASE("endpoint, offline and booleans", "[core][settings]") {
  EnvGuard env;
  CHECK(hub::Settings::from_env().endpoint == "https://huggingface.co");
  env.set("HF_ENDPOINT", "http://127.0.0.1:8080///");
  CHECK(hub::Settings::from_env().endpoint == "http://127.0.0.1:8080");
  CHECK_FALSE(hub::Settings::from_env().offline);
  env.set("HF_HUB_OFFLINE", "yes");
  CHECK(hub::Settings::from_env().offline);
  env.set("HF_HUB_OFFLINE", "0");
  CHECK_FALSE(hub::Settings::from_env().offline);
  env.set("TRANSFORMERS_OFFLINE", "TRUE");
  CHECK(hub::Settings::from_env().offline);
  CHECK(hub::env_true("On"));
  CHECK_FALSE(hub::env_true("2"));
  CHECK_FALSE(hub::env_true(nullptr));
}
