#pragma once
// Canonical JSON and a stable hash, so two tool calls that differ only in key order, whitespace
// or number spelling ({"n":1.0} vs {"n": 1}) are recognised as the same call (doom-loop
// detection, agent/doom_loop.h).

#include <cstdint>
#include <string>
#include <string_view>

namespace intern::agent {

// `text` re-serialised with object keys sorted, no whitespace, integral numbers written as
// integers (1.0, 1e0 and 1 all become 1) and other numbers in shortest round-trip form. Text
// that is not JSON (including JSON with invalid UTF-8 in it) is returned with surrounding
// whitespace trimmed and otherwise unchanged, so malformed arguments still compare equal to
// themselves.
std::string CanonicalJson(std::string_view text);

// 64-bit FNV-1a of the bytes: the same on every run, build and machine (unlike std::hash), so
// hashes can be stored and compared after a resume.
std::uint64_t StableHash(std::string_view bytes);

// StableHash(CanonicalJson(text)).
std::uint64_t CanonicalJsonHash(std::string_view text);

}  // namespace intern::agent
