#include "agent/review/terminal.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

GetEnv EnvOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("the pager is $PAGER, then less -R, the editor $VISUAL, $EDITOR, then vi") {
  CHECK(PagerCommands(EnvOf({{"PAGER", "most"}})) == std::vector<std::string>{"most", "less -R"});
  CHECK(PagerCommands(EnvOf({{"PAGER", " "}})) == std::vector<std::string>{"less -R"});
  CHECK(PagerCommands(EnvOf({})) == std::vector<std::string>{"less -R"});
  CHECK(EditorCommand(EnvOf({{"VISUAL", "code -w"}, {"EDITOR", "nano"}})) == "code -w");
  CHECK(EditorCommand(EnvOf({{"VISUAL", ""}, {"EDITOR", "nano"}})) == "nano");
  CHECK(EditorCommand(EnvOf({})) == "vi");
}

TEST_CASE("the editor edits a temporary file that is read back and removed") {
  intern::testing::TempDir dir;
  const std::string record = (dir.path() / "path").string();
  // The "editor" edits the file it is given and notes that file's path.
  const std::string editor =
      "edit() { sed -i 's/1/2/' \"$1\" && printf %s \"$1\" > '" + record + "'; }; edit";
  Result<std::string> edited = EditInEditor("{\"a\": 1}\n", EnvOf({{"EDITOR", editor}}));
  REQUIRE(edited.ok());
  CHECK(edited.value() == "{\"a\": 2}\n");
  const std::string path = intern::testing::ReadFile(record);
  CHECK(path.rfind(std::filesystem::temp_directory_path().string() + "/intern-draft-", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("an editor that fails changes nothing and says how it ended") {
  Result<std::string> edited = EditInEditor("x", EnvOf({{"EDITOR", "exit 3;"}}));
  REQUIRE_FALSE(edited.ok());
  CHECK(edited.message() == "the editor (exit 3;) exited with status 3; nothing was changed");
}

TEST_CASE("a pager that quits without reading its input still counts as shown") {
  // A pager that exits at once closes the pipe: writing must not kill intern with SIGPIPE.
  CHECK(ShowInPager(std::string(1 << 20, 'x'), EnvOf({{"PAGER", "exit 0"}})));
  CHECK(ShowInPager("text", EnvOf({{"PAGER", "cat >/dev/null"}})));
}

}  // namespace
}  // namespace intern::agent
