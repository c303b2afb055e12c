#pragma once

namespace intern::agent {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace intern::agent
