#pragma once
// Incremental SHA-256 (FIPS 180-4), so captured output can be hashed while it streams by without
// keeping it. The sandbox library stays free of a crypto dependency for this one hash.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace intern::sandbox {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The lowercase hex digest. Finishes the hash; call once.
  std::string HexDigest();

 private:
  void Block(const unsigned char* p);

  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

std::string Sha256Hex(std::string_view data);

}  // namespace intern::sandbox
