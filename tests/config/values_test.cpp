#include <catch2/catch.hpp>

#include "config/duration.h"
#include "config/registry.h"

namespace intern::config {
namespace {

using std::chrono::milliseconds;

TEST_CASE("values are formatted in TOML spelling with strings escaped") {
  CHECK(FormatValue(Value(true)) == "true");
  CHECK(FormatValue(Value(std::int64_t{300})) == "300");
  CHECK(FormatValue(Value(0.8)) == "0.8");
  CHECK(FormatValue(Value(2.0)) == "2.0");
  CHECK(FormatValue(Value(std::string("a \"b\" \\ c\n\x01"))) ==
        "\"a \\\"b\\\" \\\\ c\\n\\u0001\"");
  CHECK(FormatValue(Value(std::vector<std::string>{"x", "y"})) == "[\"x\", \"y\"]");
  CHECK(FormatValue(Value(std::vector<std::string>{})) == "[]");
  CHECK(FormatValue(Value(milliseconds(30'000))) == "\"30s\"");
}

TEST_CASE("text from env and flags parses to each key type") {
  const KeySpec& list = *FindKey("bench.allow");
  CHECK(std::get<std::vector<std::string>>(*ParseText(list, "")).empty());
  CHECK(std::get<std::vector<std::string>>(*ParseText(list, "[]")).empty());
  CHECK(std::get<std::vector<std::string>>(*ParseText(list, " a , b ")) ==
        std::vector<std::string>{"a", "b"});
  CHECK(std::get<std::vector<std::string>>(*ParseText(list, "[\"a,b\", \"c\"]")) ==
        std::vector<std::string>{"a,b", "c"});
  CHECK(ParseText(list, "[1, 2]").message() ==
        "must be a list like [\"a\", \"b\"] or a,b (got \"[1, 2]\")");

  const KeySpec& flag = *FindKey("publish.auto");
  for (const char* yes : {"true", "TRUE", "yes", "on", "1"})
    CHECK(std::get<bool>(*ParseText(flag, yes)));
  for (const char* no : {"false", "No", "off", "0"})
    CHECK_FALSE(std::get<bool>(*ParseText(flag, no)));

  const KeySpec& count = *FindKey("agent.max_iterations");
  CHECK(std::get<std::int64_t>(*ParseText(count, " 12 ")) == 12);
  CHECK(ParseText(count, "12x").message() == "must be an integer (got \"12x\")");
  CHECK(ParseText(count, "").message() == "must be an integer (got \"\")");

  const KeySpec& text = *FindKey("providers.openai.model");
  CHECK(std::get<std::string>(*ParseText(text, " spaced ")) == " spaced ");
}

}  // namespace
}  // namespace intern::config
