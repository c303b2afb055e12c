#pragma once
// Helpers of the document index for reading files: which files are documents, glob matching,
// hashing. Internal to tools/docs; pure functions, thread-safe.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intern::tools::docs_internal {

// A glob without '/' matches the last component of `relative`; one with '/' matches the whole
// relative path, '*' crossing '/' (so "docs/*.md" also matches docs/a/b.md).
bool GlobMatches(const std::string& glob, const std::filesystem::path& relative);
bool AnyGlobMatches(const std::vector<std::string>& globs, const std::filesystem::path& relative);

// False for extensions of code, data, images, fonts, media and archives.
bool IsDocumentType(const std::filesystem::path& path);

// A NUL byte in the first bytes: what git and grep call binary.
bool LooksBinary(std::string_view head);

std::string Sha256Hex(std::string_view data);

std::string Rfc3339(std::chrono::system_clock::time_point t);

}  // namespace intern::tools::docs_internal
