// Fuzzes OpenAI's streamed answer decoder (agent/providers/openai_wire) with any event stream.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/providers/openai_wire.h"
#include "tests/fuzz/wire_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  intern::agent::openai::StreamDecoderImpl decoder;
  intern::fuzz::DecodeStream(std::string_view(reinterpret_cast<const char*>(data), size), decoder);
  return 0;
}
