#pragma once
// StreamCapture keeps the head and tail of a stream and hashes all of it, in bounded memory.

#include <cstddef>
#include <string_view>

#include "sandbox/run_spec.h"
#include "sandbox/sha256.h"

namespace intern::sandbox {

class StreamCapture {
 public:
  explicit StreamCapture(std::size_t keep_bytes) : keep_(keep_bytes) {}
  void Append(std::string_view data);
  void MarkTruncated() { result_.truncated = true; }
  // The finished capture. Call once.
  Capture Finish();

 private:
  std::size_t keep_;
  Capture result_;
  std::string ring_;  // the last bytes past the head, at most 2 * keep_ before trimming
  Sha256 hash_;
};

}  // namespace intern::sandbox
