#include "sandbox/capture.h"

#include <algorithm>

namespace intern::sandbox {

void StreamCapture::Append(std::string_view data) {
  hash_.Update(data);
  result_.bytes += data.size();
  std::size_t to_head = std::min(data.size(), keep_ - std::min(keep_, result_.head.size()));
  result_.head.append(data.substr(0, to_head));
  data.remove_prefix(to_head);
  if (data.empty()) return;
  ring_.append(data);
  // Trim lazily so a stream of small writes costs amortised O(1) per byte.
  if (ring_.size() > 2 * keep_) ring_.erase(0, ring_.size() - keep_);
}

Capture StreamCapture::Finish() {
  if (ring_.size() > keep_) ring_.erase(0, ring_.size() - keep_);
  result_.tail = std::move(ring_);
  result_.sha256 = hash_.HexDigest();
  return std::move(result_);
}

}  // namespace intern::sandbox
