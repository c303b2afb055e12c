// Fuzzes tools/http/sse_parser: any byte stream, fed whole and split at a point chosen by the
// input, yields the same events (the parser's own promise), and never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "tools/http/sse_parser.h"

namespace {

using intern::tools::SseEvent;
using intern::tools::SseParser;
using intern::tools::SseParserOptions;

struct Outcome {
  std::vector<SseEvent> events;
  bool feed_ok = true;
  bool finish_ok = true;
};

Outcome Parse(std::string_view text, std::size_t split, SseParserOptions options) {
  SseParser parser(options);
  Outcome out;
  for (std::string_view part : {text.substr(0, split), text.substr(split)}) {
    if (!parser.Feed(part, out.events)) {
      out.feed_ok = false;
      return out;
    }
  }
  out.finish_ok = static_cast<bool>(parser.Finish());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  SseParserOptions options;
  // A small limit so the too-large path is reached too.
  options.max_event_bytes = 512;
  Outcome whole = Parse(text, text.size(), options);
  Outcome split = Parse(text, size == 0 ? 0 : data[0] % (size + 1), options);
  if (whole.feed_ok && split.feed_ok &&
      (whole.events != split.events || whole.finish_ok != split.finish_ok)) {
    std::abort();  // splitting the stream changed what it means
  }
  return 0;
}
