#include "agent/cli/store_access.h"

#include <cstdlib>

#include "config/error.h"

namespace intern::agent {

std::filesystem::path StorePath(const GetEnv& getenv) {
  auto get = [&getenv](const char* name) -> const char* {
    const char* value = getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
  };
  if (const char* home = get("INTERN_HOME")) return std::filesystem::path(home) / "intern.db";
  if (const char* data = get("XDG_DATA_HOME")) {
    return std::filesystem::path(data) / "intern" / "intern.db";
  }
  if (const char* home = get("HOME")) {
    return std::filesystem::path(home) / ".local" / "share" / "intern" / "intern.db";
  }
  throw Error("cannot tell where the session store lives: set INTERN_HOME (or HOME)");
}

std::filesystem::path StorePath() {
  return StorePath([](const char* name) { return std::getenv(name); });
}

}  // namespace intern::agent
