#pragma once
// SHA-256 of a byte string as lowercase hex. The store fingerprints evidence, tool arguments and
// results, and draft documents with it; an approval is bound to a draft's fingerprint.
//
// Own implementation (FIPS 180-4) so the store library needs no crypto dependency.
// Thread safety: pure function.

#include <string>
#include <string_view>

namespace intern::sessions {

std::string Sha256Hex(std::string_view bytes);

}  // namespace intern::sessions
