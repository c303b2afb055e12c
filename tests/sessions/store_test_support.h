#pragma once
// Helpers for the session store tests: a temporary folder removed on scope exit, and builders
// for steps with a known shape.

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sessions/records.h"

namespace intern::sessions::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "intern-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline Session MakeSession(const std::string& id, const std::string& kind = "compare") {
  Session s;
  s.id = id;
  s.kind = kind;
  s.title = "Gemma 3n vs SmolVLM2";
  s.subjects = R"(["Gemma 3n","SmolVLM2"])";
  s.provider = "offline";
  s.model = "offline";
  s.caps = {300, 1000000, 5.0};
  return s;
}

// Step n of `session_id` with `messages` messages and `calls` tool calls whose contents encode
// (n, index), so a test can tell every row apart and check nothing is missing.
inline StepRecord MakeStep(const std::string& session_id, int64_t n, int messages = 2,
                           int calls = 1, size_t padding = 0) {
  StepRecord step;
  step.session_id = session_id;
  step.n = n;
  step.phase = "research";
  step.provider = "offline";
  step.model = "offline";
  step.started_at = "2026-01-01T00:00:00.000Z";
  step.finished_at = "2026-01-01T00:00:01.000Z";
  step.usage = {100 * n, 10 * n, 5, 1};
  step.cost_usd = 0.25;
  step.stop_reason = calls > 0 ? "tool_use" : "end_turn";
  for (int i = 0; i < messages; ++i) {
    MessageRecord m;
    m.role = i % 2 == 0 ? "assistant" : "tool";
    m.content = fmt::format(R"([{{"type":"text","text":"step {} message {}{}"}}])", n, i,
                            std::string(padding, 'x'));
    m.tool_call_id = m.role == "tool" ? fmt::format("call-{}-{}", n, i) : "";
    m.created_at = "2026-01-01T00:00:00.500Z";
    step.messages.push_back(m);
  }
  for (int i = 0; i < calls; ++i) {
    ToolCallRecord c;
    c.call_id = fmt::format("call-{}-{}", n, i);
    c.tool = "doc_search";
    c.args = fmt::format(R"({{"query":"q{}","k":{}}})", n, i);
    c.result = fmt::format("result of step {} call {}", n, i);
    c.approval = "auto";
    c.duration_ms = 12;
    c.started_at = "2026-01-01T00:00:00.600Z";
    step.tool_calls.push_back(c);
  }
  return step;
}

}  // namespace intern::sessions::testing
