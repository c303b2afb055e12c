#include <catch2/catch.hpp>

#include "sandbox/capture.h"
#include "sandbox/sha256.h"

namespace intern::sandbox {

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors", "[sandbox][capture]") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 split;
  std::string million(1000000, 'a');
  for (std::size_t i = 0; i < million.size(); i += 997) split.Update(std::string_view(million).substr(i, 997));
  CHECK(split.HexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("a capture keeps the head and the tail and hashes everything", "[sandbox][capture]") {
  StreamCapture c(4);
  for (char ch = 'a'; ch <= 'z'; ++ch) c.Append(std::string(1, ch));
  Capture r = c.Finish();
  CHECK(r.head == "abcd");
  CHECK(r.tail == "wxyz");
  CHECK(r.bytes == 26);
  CHECK(r.sha256 == Sha256Hex("abcdefghijklmnopqrstuvwxyz"));
  CHECK_FALSE(r.truncated);
}

TEST_CASE("a short capture has only a head", "[sandbox][capture]") {
  StreamCapture c(16);
  c.Append("hello");
  Capture r = c.Finish();
  CHECK(r.head == "hello");
  CHECK(r.tail.empty());
}

}  // namespace intern::sandbox
