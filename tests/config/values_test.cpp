#include <catch2/catch.hpp>

#include "config/duration.h"
#include "config/registry.h"

namespace intern::config {
namespace {

using std::chrono::milliseconds;

TEST_CASE("durations parse from units, combinations and bare seconds") {
  CHECK(ParseDuration("250ms") == milliseconds(250));
  CHECK(ParseDuration("30s") == milliseconds(30'000));
  CHECK(ParseDuration("5m") == milliseconds(300'000));
  CHECK(ParseDuration("1h30m") == milliseconds(5'400'000));
  CHECK(ParseDuration("7d") == milliseconds(604'800'000));
  CHECK(ParseDuration("90") == milliseconds(90'000));
  CHECK(ParseDuration("0.5") == milliseconds(500));
  CHECK(ParseDuration("0") == milliseconds(0));
}

TEST_CASE("durations reject unknown units, signs, spaces, empty text and overflow") {
  CHECK_FALSE(ParseDuration(""));
  CHECK_FALSE(ParseDuration("5 minutes"));
  CHECK_FALSE(ParseDuration("5w"));
  CHECK_FALSE(ParseDuration("-5s"));
  CHECK_FALSE(ParseDuration("s"));
  CHECK_FALSE(ParseDuration("1.5h"));
  CHECK_FALSE(ParseDuration("99999999999999999999d"));
  CHECK_FALSE(ParseDuration("9999999999999d"));
}

TEST_CASE("durations format largest units first and parse back to the same value") {
  CHECK(FormatDuration(milliseconds(0)) == "0s");
  CHECK(FormatDuration(milliseconds(90'000)) == "1m30s");
  CHECK(FormatDuration(milliseconds(604'800'000)) == "7d");
  CHECK(FormatDuration(milliseconds(1'500)) == "1s500ms");
  for (std::int64_t ms : {1LL, 999LL, 1000LL, 61'001LL, 86'400'001LL, 123'456'789LL}) {
    CHECK(ParseDuration(FormatDuration(milliseconds(ms))) == milliseconds(ms));
  }
}

TEST_CASE("values are formatted in TOML spelling with strings escaped") {
  CHECK(FormatValue(Value(true)) == "true");
  CHECK(FormatValue(Value(std::int64_t{300})) == "300");
  CHECK(FormatValue(Value(0.8)) == "0.8");
  CHECK(FormatValue(Value(2.0)) == "2.0");
  CHECK(FormatValue(Value(std::string("a \"b\" \\ c\n\x01"))) == "\"a \\\"b\\\" \\\\ c\\n\\u0001\"");
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
  for (const char* yes : {"true", "TRUE", "yes", "on", "1"}) CHECK(std::get<bool>(*ParseText(flag, yes)));
  for (const char* no : {"false", "No", "off", "0"}) CHECK_FALSE(std::get<bool>(*ParseText(flag, no)));

  const KeySpec& count = *FindKey("agent.max_iterations");
  CHECK(std::get<std::int64_t>(*ParseText(count, " 12 ")) == 12);
  CHECK(ParseText(count, "12x").message() == "must be an integer (got \"12x\")");
  CHECK(ParseText(count, "").message() == "must be an integer (got \"\")");

  const KeySpec& text = *FindKey("providers.openai.model");
  CHECK(std::get<std::string>(*ParseText(text, " spaced ")) == " spaced ");
}

TEST_CASE("a misspelt key or section gets the closest name, a far one gets none") {
  CHECK(SuggestKey("agent.max_iteration") == "agent.max_iterations");
  CHECK(SuggestKey("providers.openai.baseurl") == "providers.openai.base_url");
  CHECK(SuggestKey("sweeps.limit") == "sweep.limit");
  CHECK(SuggestKey("token") == "github.token");  // same last segment, first in the table
  CHECK(SuggestKey("completely.unrelated.thing") == "");
  CHECK(SuggestKey("agnet", true) == "agent");
  CHECK(SuggestKey("zzzzzzzz", true) == "");
}

TEST_CASE("registry lookups know keys, sections and the generic variable names") {
  CHECK(FindKey("agent.max_iterations") != nullptr);
  CHECK(FindKey("agent") == nullptr);
  CHECK(IsSection("agent"));
  CHECK(IsSection("providers"));
  CHECK(IsSection("providers.openai"));
  CHECK_FALSE(IsSection("agent.max_iterations"));
  CHECK_FALSE(IsSection("agen"));
  CHECK(GenericEnvName("providers.openai.base_url") == "INTERN_PROVIDERS_OPENAI_BASE_URL");
  CHECK(FindKey("home")->env == std::vector<std::string>{"INTERN_HOME"});
  CHECK(FindKey("github.api_url")->env == std::vector<std::string>{"INTERN_GITHUB_API_URL"});
  CHECK(FindKey("providers.openai.api_key")->env ==
        std::vector<std::string>{"OPENAI_API_KEY", "INTERN_PROVIDERS_OPENAI_API_KEY"});
}

}  // namespace
}  // namespace intern::config
