// Fuzzes config/loader with any text as ./intern.toml. The loader's contract: a bad file throws
// intern::Error with one sentence; anything else escaping (another exception, a crash) is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "config/error.h"

namespace {

std::filesystem::path FuzzDir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::temp_directory_path() /
                              ("intern-fuzz-config-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path dir = FuzzDir();
  {
    std::ofstream file(dir / "intern.toml", std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  intern::config::LoadOptions options;
  options.cwd = dir;
  options.home = dir;
  options.system_dir = "";
  options.xdg_config_home = dir / "no-xdg";
  try {
    intern::config::Config config = intern::config::Load(options);
    (void)config;
  } catch (const intern::Error&) {
    // The promised way to reject a file.
  }
  return 0;
}
