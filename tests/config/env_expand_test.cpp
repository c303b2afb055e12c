// ${NAME} references in configuration values (config/env_expand.h), table-tested.
#include <catch2/catch.hpp>

#include "config/env_expand.h"

namespace intern::config {
namespace {

const std::map<std::string, std::string, std::less<>> kEnv = {
    {"TOKEN", "s3cr3t"}, {"HOST", "mcp.example"}, {"EMPTY", ""}, {"_X1", "x"}};

TEST_CASE("environment references are replaced, defaulted and escaped", "[config]") {
  struct Row {
    std::string text;
    std::string expanded;
  };
  const Row rows[] = {
      {"plain text", "plain text"},
      {"", ""},
      {"Bearer ${TOKEN}", "Bearer s3cr3t"},
      {"https://${HOST}/mcp?k=${TOKEN}", "https://mcp.example/mcp?k=s3cr3t"},
      {"${_X1}${_X1}", "xx"},
      {"${MISSING:-fallback}", "fallback"},
      {"${EMPTY:-used when empty}", "used when empty"},
      {"${TOKEN:-unused}", "s3cr3t"},
      {"${MISSING:-}", ""},
      {"${MISSING:-a:-b}", "a:-b"},
      {"cost $$5 and $HOME and $", "cost $5 and $HOME and $"},
      {"$${TOKEN}", "${TOKEN}"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    Result<std::string> got = ExpandEnvReferences(row.text, kEnv);
    REQUIRE(got.ok());
    CHECK(got.value() == row.expanded);
  }
}

TEST_CASE("a bad or unset environment reference is one sentence naming the fix", "[config]") {
  struct Row {
    std::string text;
    std::string message;
  };
  const Row rows[] = {
      {"Bearer ${GITHUB_TOKEN}",
       "${GITHUB_TOKEN} is not set in the environment; export GITHUB_TOKEN or write "
       "${GITHUB_TOKEN:-DEFAULT}"},
      {"${EMPTY}", "${EMPTY} is not set in the environment; export EMPTY or write ${EMPTY:-DEFAULT}"},
      {"x ${TOKEN", "\"${TOKEN\" has no closing \"}\""},
      {"${1X}", "\"${1X}\" is not a variable name (letters, digits and \"_\"; write $$ for a "
                "literal \"$\")"},
      {"${}", "\"${}\" is not a variable name (letters, digits and \"_\"; write $$ for a literal "
              "\"$\")"},
      {"${A-B}", "\"${A-B}\" is not a variable name (letters, digits and \"_\"; write $$ for a "
                 "literal \"$\")"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    Result<std::string> got = ExpandEnvReferences(row.text, kEnv);
    REQUIRE_FALSE(got.ok());
    CHECK(got.code() == ErrorCode::kInvalidArgument);
    CHECK(got.message() == row.message);
  }
}

}  // namespace
}  // namespace intern::config
