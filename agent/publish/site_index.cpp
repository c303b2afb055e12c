#include "agent/publish/site_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "agent/publish/html_text.h"

namespace intern::agent::publish {
namespace {

constexpr size_t kMaxSlugPart = 60;

std::string SlugPart(std::string_view name) {
  std::string out;
  bool dash = false;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) && ch < 0x80) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(ch));
    } else {
      dash = true;
    }
  }
  if (out.size() > kMaxSlugPart) out.resize(kMaxSlugPart);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "subject" : out;
}

// A slug read back from index.json must still be a plain file name stem.
bool UsableSlug(const std::string& slug) {
  if (slug.empty() || slug.size() > 2 * kMaxSlugPart + 4) return false;
  return std::all_of(slug.begin(), slug.end(), [](unsigned char ch) {
    return (std::isalnum(ch) && ch < 0x80 && !std::isupper(ch)) || ch == '-';
  });
}

std::string Text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::array<std::string, 2> Pair(const nlohmann::json& object, const char* key) {
  std::array<std::string, 2> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (size_t i = 0; i < 2 && i < it->size(); ++i)
    if ((*it)[i].is_string()) out[i] = (*it)[i].get<std::string>();
  return out;
}

std::string VerdictClass(const std::string& label) {
  if (label.rfind("Ship", 0) == 0) return " ship";
  if (label.rfind("Skip", 0) == 0) return " skip";
  return "";
}

}  // namespace

std::string ComparisonSlug(const Comparison& c) {
  return SlugPart(c.subjects[0].name) + "-vs-" + SlugPart(c.subjects[1].name);
}

IndexEntry EntryFor(const Comparison& c, const std::string& slug, const std::string& published_at,
                    const std::string& approved_by, const std::string& draft_id) {
  IndexEntry e;
  e.slug = slug;
  e.title = c.title;
  e.question = c.question;
  e.subjects = {c.subjects[0].name, c.subjects[1].name};
  e.verdicts = {c.verdict[0].label, c.verdict[1].label};
  e.published_at = published_at;
  e.approved_by = approved_by;
  e.draft_id = draft_id;
  e.session_id = c.session;
  return e;
}

std::vector<IndexEntry> ParseSiteIndex(std::string_view json_text) {
  std::vector<IndexEntry> out;
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) return out;
  auto list = doc.find("comparisons");
  if (list == doc.end() || !list->is_array()) return out;
  for (const nlohmann::json& item : *list) {
    if (!item.is_object()) continue;
    IndexEntry e;
    e.slug = Text(item, "slug");
    if (!UsableSlug(e.slug)) continue;
    e.title = Text(item, "title");
    e.question = Text(item, "question");
    e.subjects = Pair(item, "subjects");
    e.verdicts = Pair(item, "verdicts");
    e.published_at = Text(item, "published_at");
    e.approved_by = Text(item, "approved_by");
    e.draft_id = Text(item, "draft");
    e.session_id = Text(item, "session");
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<IndexEntry> UpsertEntry(std::vector<IndexEntry> entries, IndexEntry entry) {
  std::erase_if(entries, [&](const IndexEntry& e) { return e.slug == entry.slug; });
  entries.push_back(std::move(entry));
  std::stable_sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) {
    if (a.published_at != b.published_at) return a.published_at > b.published_at;
    return a.slug < b.slug;
  });
  return entries;
}

std::string RenderSiteIndexJson(const std::vector<IndexEntry>& entries) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const IndexEntry& e : entries) {
    nlohmann::ordered_json item;
    item["slug"] = e.slug;
    item["title"] = e.title;
    item["question"] = e.question;
    item["subjects"] = {e.subjects[0], e.subjects[1]};
    item["verdicts"] = {e.verdicts[0], e.verdicts[1]};
    item["published_at"] = e.published_at;
    item["approved_by"] = e.approved_by;
    item["draft"] = e.draft_id;
    item["session"] = e.session_id;
    item["html"] = "comparisons/" + e.slug + ".html";
    item["md"] = "comparisons/" + e.slug + ".md";
    item["json"] = "comparisons/" + e.slug + ".json";
    list.push_back(std::move(item));
  }
  nlohmann::ordered_json doc;
  doc["schema"] = kSiteIndexSchema;
  doc["comparisons"] = std::move(list);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string RenderSiteIndexHtml(const std::vector<IndexEntry>& entries) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>AI tool comparisons · intern</title>\n<style>";
  h += SiteStylesheet();
  h += "</style>\n</head>\n<body>\n";
  h += "<a class=\"skip-link\" href=\"#main\">Skip to the list</a>\n";
  h += "<header class=\"site\">\n<div class=\"wrap\">\n";
  h += "<nav aria-label=\"Site\"><a href=\"index.html\" aria-current=\"page\">All "
       "comparisons</a> · <a href=\"index.json\">index.json</a></nav>\n";
  h += "</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n<h1>AI tool comparisons</h1>\n";
  h += "<p class=\"question\">Side-by-side comparisons researched by intern and approved by a "
       "person before publication. Newest first.</p>\n";
  if (entries.empty()) {
    h += "<p>Nothing is published yet.</p>\n";
  } else {
    h += "<ol class=\"cards\" aria-label=\"Comparisons, newest first\">\n";
    for (const IndexEntry& e : entries) {
      h += "<li class=\"card\">\n";
      h += fmt::format("<h2><a href=\"comparisons/{}.html\">{}</a></h2>\n", HtmlEscape(e.slug),
                       HtmlEscape(e.title.empty() ? e.slug : e.title));
      if (!e.question.empty())
        h += fmt::format("<p class=\"tagline\">{}</p>\n", HtmlEscape(e.question));
      h += "<ul>\n";
      for (size_t i = 0; i < 2; ++i) {
        if (e.subjects[i].empty()) continue;
        h += fmt::format("<li>{}: <span class=\"verdict{}\">{}</span></li>\n",
                         HtmlEscape(e.subjects[i]), VerdictClass(e.verdicts[i]),
                         HtmlEscape(e.verdicts[i].empty() ? "—" : e.verdicts[i]));
      }
      h += "</ul>\n";
      h += fmt::format("<p class=\"note\">Published <time datetime=\"{}\">{}</time>",
                       HtmlEscape(e.published_at), HtmlEscape(ReadableTime(e.published_at)));
      if (!e.approved_by.empty()) h += fmt::format(", approved by {}", HtmlEscape(e.approved_by));
      h += ".</p>\n</li>\n";
    }
    h += "</ol>\n";
  }
  h += "</main>\n<footer class=\"site\">\n<div class=\"wrap\">\n<p>";
  h += fmt::format("{} comparison{}. Generated by intern; no page here uses JavaScript.",
                   entries.size(), entries.size() == 1 ? "" : "s");
  h += "</p>\n</div>\n</footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace intern::agent::publish
