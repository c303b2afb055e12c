#include "tools/docs/doc_search_tool.h"

#include <fmt/format.h>

namespace intern::tools {
namespace {

nlohmann::json MakeSchema() {
  return {
      {"type", "object"},
      {"properties",
       {{"query",
         {{"type", "string"},
          {"minLength", 1},
          {"description", "Words or a question to look for; \"quoted phrases\" match exactly."}}},
        {"subject",
         {{"type", "string"},
          {"description", "Only documents added for this tool (its catalog name)."}}},
        {"k",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", DocSearchTool::kMaxK},
          {"default", DocSearchTool::kDefaultK},
          {"description", "How many passages to return."}}}}},
      {"required", {"query"}},
      {"additionalProperties", false},
  };
}

// Snippets span line breaks of the chunk; the result lists one hit per block of three lines.
std::string OneLine(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool IsBlank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

}  // namespace

DocSearchTool::DocSearchTool(DocIndex& index) : index_(index), schema_(MakeSchema()) {}

std::string DocSearchTool::description() const {
  return "Search the local document index (READMEs, manuals, model cards and fetched pages the "
         "operator added) and return the best passages with their source, title and section. "
         "Each passage is recorded as evidence; cite its ev- id.";
}

ToolResult DocSearchTool::Run(const nlohmann::json& args, ToolContext& ctx) {
  if (!args.is_object()) {
    return ToolResult::Error(
        "doc_search takes an object: {\"query\": \"words to look for\", \"subject\": optional, "
        "\"k\": optional 1-50}");
  }
  auto query_it = args.find("query");
  if (query_it == args.end() || !query_it->is_string()) {
    return ToolResult::Error("doc_search needs `query`: the words to look for, as a string");
  }
  const std::string query = query_it->get<std::string>();
  if (IsBlank(query)) {
    return ToolResult::Error("doc_search needs a non-empty `query`: the words to look for");
  }
  std::string subject;
  if (auto it = args.find("subject"); it != args.end() && !it->is_null()) {
    if (!it->is_string()) {
      return ToolResult::Error(
          "`subject` must be a string (the catalog name of a tool), or left out to search "
          "every document");
    }
    subject = it->get<std::string>();
  }
  int k = kDefaultK;
  if (auto it = args.find("k"); it != args.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxK) {
      return ToolResult::Error(
          fmt::format("`k` must be a whole number from 1 to {}, got {}", kMaxK, it->dump()));
    }
    k = static_cast<int>(it->get<int64_t>());
  }
  if (ctx.cancelled()) return ToolResult::Error("doc_search was stopped before it ran");

  Result<std::vector<DocHit>> hits = index_.Search(query, subject, k);
  if (!hits) return ToolResult::Error("doc_search: " + hits.message());

  std::string for_subject = subject.empty() ? "" : fmt::format(" (subject {})", subject);
  if (hits->empty()) {
    return {fmt::format("No indexed document matches \"{}\"{}. Try other words, or ask the "
                        "operator to add documents with `intern docs add PATH`.",
                        query, for_subject),
            false,
            {}};
  }
  ToolResult result;
  result.content = fmt::format("{} passage{} for \"{}\"{}:\n", hits->size(),
                               hits->size() == 1 ? "" : "s", query, for_subject);
  for (size_t i = 0; i < hits->size(); ++i) {
    const DocHit& hit = (*hits)[i];
    EvidenceDraft draft;
    draft.subject = hit.subject.empty() ? subject : hit.subject;
    draft.kind = "document";
    draft.value = hit.heading_path.empty() ? hit.title : hit.title + " — " + hit.heading_path;
    draft.source_url = hit.uri;
    draft.title = hit.title;
    draft.quote = hit.text;
    draft.tool = name();
    Result<std::string> id = ctx.ledger.Record(draft);
    std::string id_text = id ? *id : "not recorded: " + id.message();
    if (id) result.evidence_ids.push_back(*id);
    result.content += fmt::format("\n[{}] {} · {}{}\n    {}\n    {}\n", i + 1, id_text,
                                  hit.title.empty() ? "(untitled)" : hit.title,
                                  hit.heading_path.empty() ? "" : " › " + hit.heading_path, hit.uri,
                                  OneLine(hit.snippet));
  }
  return result;
}

}  // namespace intern::tools
