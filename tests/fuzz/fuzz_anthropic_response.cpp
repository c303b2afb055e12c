// Fuzzes Anthropic's non-streamed answer parser (agent/providers/anthropic_wire) with any body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/providers/anthropic_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  intern::Result<intern::agent::Response> response = intern::agent::anthropic::ParseResponse(body);
  (void)response;
  return 0;
}
