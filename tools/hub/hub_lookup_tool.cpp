#include "tools/hub/hub_lookup_tool.h"

#include <fmt/format.h>

#include <algorithm>

#include "tools/web/query_string.h"

namespace intern::tools {
namespace {

using nlohmann::json;

constexpr std::size_t kCardHead = 800;

bool IdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// The card without its YAML front matter (the metadata block between two "---" lines).
std::string CardText(const std::string& card) {
  if (card.rfind("---", 0) != 0) return card;
  std::size_t end = card.find("\n---", 3);
  if (end == std::string::npos) return card;
  std::size_t after = card.find('\n', end + 4);
  return after == std::string::npos ? "" : card.substr(after + 1);
}

// The head of `text` cut at a line break near `max` bytes, never inside a UTF-8 sequence.
std::string Head(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind('\n', max);
  if (cut == std::string::npos || cut < max / 2) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  return text.substr(0, cut) + "\n…";
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

// The card's first Markdown heading, or "".
std::string FirstHeading(const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.rfind("#", 0) == 0) return Trim(line.substr(line.find_first_not_of('#')));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

}  // namespace

std::string HumanCount(std::int64_t n) {
  struct Unit {
    double scale;
    const char* suffix;
  };
  for (Unit u : {Unit{1e12, "T"}, Unit{1e9, "B"}, Unit{1e6, "M"}, Unit{1e3, "K"}}) {
    if (static_cast<double>(n) >= u.scale) {
      double v = static_cast<double>(n) / u.scale;
      if (v >= 100) return fmt::format("{:.0f}{}", v, u.suffix);
      if (v >= 10) return fmt::format("{:.1f}{}", v, u.suffix);
      return fmt::format("{:.2f}{}", v, u.suffix);
    }
  }
  return std::to_string(n);
}

Result<std::string> NormaliseModelId(const std::string& text) {
  std::string id = text;
  for (std::string_view prefix :
       {"https://huggingface.co/", "http://huggingface.co/", "huggingface.co/", "hf.co/"}) {
    if (id.rfind(prefix, 0) == 0) {
      id = id.substr(prefix.size());
      break;
    }
  }
  while (!id.empty() && id.back() == '/') id.pop_back();
  const std::size_t slash = id.find('/');
  const bool shape = !id.empty() && slash != 0 &&
                     (slash == std::string::npos ||
                      (slash + 1 < id.size() && id.find('/', slash + 1) == std::string::npos));
  const bool chars =
      std::all_of(id.begin(), id.end(), [](char c) { return c == '/' || IdChar(c); });
  if (!shape || !chars || id.find("..") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("model_id must name a Hugging Face model as owner/name (for example "
                            "\"HuggingFaceTB/SmolVLM2-2.2B-Instruct\"), got \"{}\"",
                            text));
  }
  return id;
}

HubLookupTool::HubLookupTool(HttpClient& http, HubClientOptions options)
    : client_(http, options), hub_url_(options.url) {
  while (!hub_url_.empty() && hub_url_.back() == '/') hub_url_.pop_back();
  schema_ = {{"type", "object"},
             {"properties",
              {{"model_id",
                {{"type", "string"},
                 {"minLength", 1u},
                 {"description", "A model id as owner/name (or its huggingface.co URL)."}}},
               {"query",
                {{"type", "string"},
                 {"minLength", 1u},
                 {"maxLength", 200u},
                 {"description", "Search models whose id contains this text."}}},
               {"card",
                {{"type", "boolean"},
                 {"default", true},
                 {"description", "Also read the model card (README) of model_id."}}},
               {"limit",
                {{"type", "integer"},
                 {"minimum", 1},
                 {"maximum", 50},
                 {"default", 10},
                 {"description", "How many search results to list."}}},
               {"subject",
                {{"type", "string"},
                 {"description", "The catalog name of the tool these facts are about."}}}}},
             {"additionalProperties", false}};
}

std::string HubLookupTool::description() const {
  return "Look up a Hugging Face Hub model (downloads, likes, licence, pipeline tag, library, "
         "parameter count, gated flag, last modified, model card) or search models by name. "
         "Pass exactly one of model_id and query. Facts are recorded as evidence.";
}

std::string HubLookupTool::Describe(const json& args) const {
  if (args.contains("model_id") && args["model_id"].is_string()) {
    return "look up " + args["model_id"].get<std::string>() + " on the Hugging Face Hub";
  }
  if (args.contains("query") && args["query"].is_string()) {
    return "search Hugging Face Hub models for \"" + args["query"].get<std::string>() + "\"";
  }
  return Tool::Describe(args);
}

ToolResult HubLookupTool::Run(const json& args, ToolContext& ctx) {
  const bool has_id = args.contains("model_id");
  const bool has_query = args.contains("query");
  if (has_id == has_query) {
    return ToolResult::Error(
        has_id ? "hub_lookup takes model_id or query, not both: make one call for each"
               : "hub_lookup needs model_id (\"owner/name\") or query (a search): pass one of "
                 "them");
  }
  if (ctx.cancelled()) return ToolResult::Error("hub_lookup was cancelled");
  const std::string subject = args.value("subject", "");
  if (has_query)
    return Search(args["query"].get<std::string>(), args.value("limit", 10), subject, ctx);
  Result<std::string> id = NormaliseModelId(args["model_id"].get<std::string>());
  if (!id) return ToolResult::Error(id.message());
  return LookUpModel(*id, args.value("card", true), subject, ctx);
}

ToolResult HubLookupTool::LookUpModel(const std::string& id, bool card, const std::string& subject,
                                      ToolContext& ctx) {
  auto model = client_.Model(id);
  if (!model) return ToolResult::Error(model.message());
  const HubModel& m = *model;
  const std::string page = client_.ModelPage(m.id);

  ToolResult out;
  std::vector<std::string> lines;
  std::string ledger_error;
  auto record = [&](EvidenceDraft d, const std::string& shown) {
    if (!ledger_error.empty()) return;
    Result<std::string> rid = ctx.ledger.Record(d);
    if (!rid) {
      ledger_error = "could not record the Hub facts in the evidence ledger: " + rid.message();
      return;
    }
    out.evidence_ids.push_back(*rid);
    lines.push_back(fmt::format("- {}: {} [{}]", d.field, shown, *rid));
  };
  auto fact = [&](const std::string& field, const std::string& value, const std::string& quote,
                  std::string shown = "") {
    EvidenceDraft d;
    d.subject = subject;
    d.kind = "model";
    d.field = field;
    d.value = value;
    d.source_url = page;
    d.title = "Hugging Face model " + m.id;
    d.quote = quote;
    d.tool = "hub_lookup";
    record(d, shown.empty() ? (value.empty() ? "(none)" : value) : shown);
  };
  auto q = [](const char* key, const std::string& v) {
    return fmt::format("\"{}\": {}", key,
                       json(v).dump(-1, ' ', false, json::error_handler_t::replace));
  };

  fact("downloads", std::to_string(m.downloads), fmt::format("\"downloads\": {}", m.downloads),
       std::to_string(m.downloads) + " (last 30 days)");
  fact("likes", std::to_string(m.likes), fmt::format("\"likes\": {}", m.likes));
  fact("license", m.license, m.license.empty() ? "" : "license: " + m.license);
  fact("pipeline_tag", m.pipeline_tag, q("pipeline_tag", m.pipeline_tag));
  fact("library", m.library_name, q("library_name", m.library_name));
  if (m.parameters) {
    std::string by_dtype;
    for (const auto& [dtype, n] : m.parameters_by_dtype) {
      by_dtype += fmt::format("{}{} {}", by_dtype.empty() ? "" : ", ", dtype, n);
    }
    fact("parameters", std::to_string(*m.parameters), fmt::format("\"total\": {}", *m.parameters),
         fmt::format("{} ({}{})", *m.parameters, HumanCount(*m.parameters),
                     by_dtype.empty() ? "" : "; " + by_dtype));
  } else {
    lines.push_back("- parameters: unknown (no safetensors metadata)");
  }
  fact("gated", m.gated.empty() ? "false" : m.gated,
       m.gated.empty() ? "\"gated\": false" : q("gated", m.gated),
       m.gated.empty() ? "false" : m.gated + " (accept the terms on the model page)");
  fact("last_modified", m.last_modified, q("lastModified", m.last_modified));
  fact("created_at", m.created_at, q("createdAt", m.created_at));

  std::string card_head;
  if (card && ledger_error.empty()) {
    auto text = client_.ModelCard(m.id);
    if (!text) {
      lines.push_back("- model_card: unavailable (" + text.message() + ")");
    } else {
      const std::string body = CardText(*text);
      const std::string heading = FirstHeading(body);
      EvidenceDraft d;
      d.subject = subject;
      d.kind = "document";
      d.field = "model_card";
      d.value = heading.empty() ? "model card of " + m.id : heading;
      d.source_url = page;
      d.title = m.id + " model card";
      d.body = *text;
      d.tool = "hub_lookup";
      record(d, fmt::format("{} bytes", text->size()));
      card_head = Head(Trim(body), kCardHead);
    }
  }
  if (!ledger_error.empty()) return ToolResult::Error(ledger_error);

  out.content = fmt::format("Hugging Face model {} ({})", m.id, page);
  for (const std::string& line : lines) out.content += "\n" + line;
  if (!card_head.empty()) out.content += "\nModel card (head):\n" + card_head;
  return out;
}

ToolResult HubLookupTool::Search(const std::string& query, int limit, const std::string& subject,
                                 ToolContext& ctx) {
  auto models = client_.Search(query, limit);
  if (!models) return ToolResult::Error(models.message());
  std::string list;
  for (std::size_t i = 0; i < models->size(); ++i) {
    const HubModel& m = (*models)[i];
    list +=
        fmt::format("{}. {} ({} downloads, {} likes{}{})\n", i + 1, m.id, m.downloads, m.likes,
                    m.pipeline_tag.empty() ? "" : ", " + m.pipeline_tag,
                    m.last_modified.empty() ? "" : ", modified " + m.last_modified.substr(0, 10));
  }
  EvidenceDraft d;
  d.subject = subject;
  d.kind = "search";
  d.value = fmt::format("{} models match \"{}\", most downloaded first", models->size(), query);
  d.source_url = hub_url_ + "/models?search=" + FormEncode(query);
  d.title = "Hugging Face model search: " + query;
  d.body = list;
  d.tool = "hub_lookup";
  Result<std::string> id = ctx.ledger.Record(d);
  if (!id) {
    return ToolResult::Error("could not record the Hub search in the evidence ledger: " +
                             id.message());
  }
  ToolResult out;
  out.content = fmt::format("Hugging Face search \"{}\": {} models, most downloaded first [{}]",
                            query, models->size(), *id);
  if (models->empty()) out.content += "\nNo model id contains that text: try a shorter name.";
  out.content += "\n" + list;
  out.evidence_ids.push_back(*id);
  return out;
}

std::unique_ptr<Tool> MakeHubLookupTool(const config::Config& cfg, HttpClient& http) {
  HubClientOptions options;
  options.url = cfg.hub.url;
  return std::make_unique<HubLookupTool>(http, std::move(options));
}

}  // namespace intern::tools
