#include "tools/docs/doc_files.h"

#include <fnmatch.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <iterator>
#include <string_view>

#include "config/error.h"

namespace intern::tools::docs_internal {

bool GlobMatches(const std::string& glob, const std::filesystem::path& relative) {
  std::string subject = glob.find('/') == std::string::npos ? relative.filename().string()
                                                            : relative.generic_string();
  return fnmatch(glob.c_str(), subject.c_str(), 0) == 0;
}

bool AnyGlobMatches(const std::vector<std::string>& globs, const std::filesystem::path& relative) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return GlobMatches(g, relative); });
}

bool IsDocumentType(const std::filesystem::path& path) {
  static constexpr std::string_view kNotDocuments[] = {
      // code
      "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "py", "pyc", "rb", "pl", "pm", "sh", "bash", "go",
      "rs", "java", "class", "kt", "scala", "ts", "tsx", "jsx", "js", "mjs", "cjs", "map", "php",
      "lua", "el", "elc", "swift", "cs", "m4", "mk", "cmake", "awk", "sed", "tcl",
      // data and styles
      "css", "scss", "json", "jsonl", "xml", "xsl", "xsd", "yaml", "yml", "toml", "ini", "cfg",
      "lock", "csv", "tsv", "db", "sqlite",
      // images, fonts, media
      "svg", "png", "jpg", "jpeg", "gif", "webp", "ico", "bmp", "tif", "tiff", "woff", "woff2",
      "ttf", "otf", "eot", "mp3", "mp4", "wav", "ogg",
      // documents we cannot read, archives, binaries
      "pdf", "ps", "eps", "dvi", "gz", "bz2", "xz", "zst", "zip", "tar", "tgz", "7z", "deb", "so"};
  std::string ext = path.extension().string();
  if (ext.empty()) return true;
  ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(std::begin(kNotDocuments), std::end(kNotDocuments), ext) ==
         std::end(kNotDocuments);
}

bool LooksBinary(std::string_view head) {
  return head.substr(0, 8192).find('\0') != std::string_view::npos;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error("hashing a document: OpenSSL's SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> buf{};
  size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

}  // namespace intern::tools::docs_internal
