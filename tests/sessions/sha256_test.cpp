#include "sessions/sha256.h"

#include <catch2/catch.hpp>
#include <string>

namespace intern::sessions {
namespace {

std::string Pattern(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 7) % 251));
  return s;
}

TEST_CASE("Sha256Hex matches the FIPS 180-4 examples") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256Hex pads correctly at every block boundary") {
  // Lengths where the length field just fits, just does not fit, and fills whole blocks.
  CHECK(Sha256Hex(Pattern(55)) ==
        "8af594de0e003fdee5c8bb088216c824349b4137070f559574f4a4bddd27b714");
  CHECK(Sha256Hex(Pattern(56)) ==
        "db81bc2bfd43620591df192139062da77d4c376f1888ea3d2190bd07c8d901f9");
  CHECK(Sha256Hex(Pattern(63)) ==
        "bd535b38bf0d0d1a09d370b7e34b2696cea3767801a45d5611a4aaa6954e8527");
  CHECK(Sha256Hex(Pattern(64)) ==
        "292be91abe8c0909fe3d26575af5755eee74d23816dc68c3ba41765136967654");
  CHECK(Sha256Hex(Pattern(119)) ==
        "d367ab298e74477421127b0b448667c37c006c636f5738f081c39388756e5fad");
  CHECK(Sha256Hex(Pattern(120)) ==
        "be7beb9c82089eb08da8fe6eb30c13b9d56869014e228a8c3eb0fdfe832efab2");
}

}  // namespace
}  // namespace intern::sessions
