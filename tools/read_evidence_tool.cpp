#include "tools/read_evidence_tool.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace intern::tools {

std::string ReadEvidenceTool::description() const {
  return "Read a stored evidence item (a page, document, README or long tool result) from a "
         "character offset. Use it when a result was cut and says `read_evidence`.";
}

const nlohmann::json& ReadEvidenceTool::schema() const {
  static const nlohmann::json kSchema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "id": {"type": "string", "minLength": 1, "description": "Evidence id, e.g. ev-12"},
      "offset": {"type": "integer", "minimum": 0, "default": 0,
                 "description": "Character offset to start reading from"}
    },
    "required": ["id"]
  })");
  return kSchema;
}

ToolResult ReadEvidenceTool::Run(const nlohmann::json& args, ToolContext& ctx) {
  const std::string id = args.at("id").get<std::string>();
  const size_t offset = args.value("offset", size_t{0});
  std::optional<EvidenceRecord> record = ctx.ledger.Get(id);
  if (!record)
    return ToolResult::Error(
        fmt::format("no evidence with id \"{}\" in this session; use an id a tool returned", id));
  const std::string& body =
      record->draft.body.empty() ? record->draft.value : record->draft.body;
  if (offset > body.size())
    return ToolResult::Error(fmt::format("offset {} is past the end of {} ({} characters)",
                                         offset, id, body.size()));
  size_t begin = offset;
  // Never start or end inside a multi-byte UTF-8 sequence.
  while (begin < body.size() && (static_cast<unsigned char>(body[begin]) & 0xC0) == 0x80) ++begin;
  size_t end = std::min(body.size(), begin + page_chars_);
  while (end < body.size() && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  std::string out = fmt::format("[{} · {} · {}]\n", id, record->draft.title,
                                record->draft.source_url);
  out.append(body, begin, end - begin);
  if (end < body.size())
    out += fmt::format("\n[continues: read_evidence(id=\"{}\", offset={}) — {} of {} characters "
                       "shown so far]",
                       id, end, end, body.size());
  else
    out += fmt::format("\n[end of {}]", id);
  return {out, false, {id}};
}

}  // namespace intern::tools
