#pragma once
// What the loop benchmarks share: a progress sink that shows nothing, a read-only research tool
// that records one fact per call (so the loop sees progress and its stagnation guard stays
// quiet, as in a real session), a submit_draft that accepts anything, and a temporary folder.

#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "agent/progress.h"
#include "tools/tool.h"

namespace intern::bench {

class SilentProgress final : public agent::ProgressSink {
 public:
  void SessionStarted(const std::string&, const std::string&, bool) override {}
  void IterationStarted(const agent::ProgressSnapshot&) override {}
  void TextDelta(std::string_view) override {}
  void ToolStarted(const std::string&, const std::string&) override {}
  void ToolFinished(const std::string&, bool, std::int64_t, int) override {}
  void UsageUpdated(std::int64_t, double) override {}
  void Compacted(std::int64_t, std::int64_t) override {}
  void LoopGuard(const std::string&, const std::string&) override {}
  void Stopped(const std::string&, const std::string&) override {}
};

// fetch_doc(page): `page_chars` characters of text for the page (different for every page) and
// one fact recorded in the ledger.
class FetchDocTool final : public tools::Tool {
 public:
  explicit FetchDocTool(std::size_t page_chars) : page_chars_(page_chars) {}
  std::string name() const override { return "fetch_doc"; }
  std::string description() const override { return "Fetch one page of the documentation."; }
  const nlohmann::json& schema() const override {
    static const nlohmann::json kSchema = {
        {"type", "object"},
        {"properties", {{"page", {{"type", "integer"}, {"minimum", 0}}}}},
        {"required", {"page"}},
        {"additionalProperties", false}};
    return kSchema;
  }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext& ctx) override {
    const int page = args.at("page").get<int>();
    tools::EvidenceDraft draft{"Subject A",
                               "fact",
                               "page-" + std::to_string(page),
                               "value " + std::to_string(page),
                               "https://docs.example.org/page/" + std::to_string(page),
                               "Docs page " + std::to_string(page),
                               "",
                               "",
                               "fetch_doc"};
    Result<std::string> id = ctx.ledger.Record(draft);
    if (!id.ok()) return tools::ToolResult::Error(id.message());
    return {Page(page, page_chars_), false, {id.value()}};
  }

  // Deterministic text of `chars` characters, different for every page.
  static std::string Page(int page, std::size_t chars) {
    std::string text;
    text.reserve(chars + 80);
    for (int line = 0; text.size() < chars; ++line) {
      text += "Page " + std::to_string(page) + ", line " + std::to_string(line) +
              ": the quick brown fox measures tokens per second on a laptop.\n";
    }
    text.resize(chars);
    return text;
  }

 private:
  std::size_t page_chars_;
};

class AcceptDraftTool final : public tools::Tool {
 public:
  std::string name() const override { return "submit_draft"; }
  std::string description() const override { return "Submit the comparison draft."; }
  const nlohmann::json& schema() const override {
    static const nlohmann::json kSchema = {{"type", "object"},
                                           {"properties", {{"draft", {{"type", "string"}}}}},
                                           {"required", {"draft"}}};
    return kSchema;
  }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json&, tools::ToolContext&) override {
    return {"draft accepted", false, {}};
  }
};

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "intern-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace intern::bench
