// Fuzzes tools/docs/html_text: any bytes as a fetched page; the contract is "never throws".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tools/docs/html_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  intern::tools::HtmlText text =
      intern::tools::ExtractHtmlText(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)text;
  return 0;
}
