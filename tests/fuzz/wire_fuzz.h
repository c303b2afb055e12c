#pragma once
// Shared by the provider fuzz targets: one answer body through a non-streamed parser, or through
// the SSE parser and a stream decoder, as the providers do with what a server sends.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/providers/wire_provider.h"
#include "tools/http/sse_parser.h"

namespace intern::fuzz {

inline void DecodeStream(std::string_view body, agent::StreamDecoder& decoder) {
  tools::SseParser parser;
  std::vector<tools::SseEvent> events;
  if (!parser.Feed(body, events)) return;
  std::size_t text_bytes = 0;
  for (const tools::SseEvent& event : events) {
    Status status =
        decoder.OnEvent(event, [&](std::string_view text) { text_bytes += text.size(); });
    if (!status) return;
  }
  (void)parser.Finish();
  Result<agent::Response> response = decoder.Finish();
  (void)response;
}

}  // namespace intern::fuzz
