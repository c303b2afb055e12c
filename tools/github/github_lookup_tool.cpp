#include "tools/github/github_lookup_tool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "tools/web/query_string.h"

namespace intern::tools {
namespace {

using nlohmann::json;

constexpr int kReleases = 5;
constexpr int kContributors = 10;

bool RepoChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// Collects evidence rows and the summary lines that cite them.
class Recorder {
 public:
  Recorder(ToolContext& ctx, EvidenceDraft base) : ctx_(ctx), base_(std::move(base)) {}

  // Records one fact; false (with error() set) when the ledger refused it.
  bool Fact(const std::string& field, const std::string& value, const std::string& quote,
            const std::string& body = "", const std::string& source_url = "") {
    EvidenceDraft d = base_;
    d.field = field;
    d.value = value;
    d.quote = quote;
    d.body = body;
    if (!source_url.empty()) d.source_url = source_url;
    Result<std::string> id = ctx_.ledger.Record(d);
    if (!id) {
      error_ = "could not record the GitHub facts in the evidence ledger: " + id.message();
      return false;
    }
    ids_.push_back(*id);
    lines_.push_back(fmt::format("- {}: {} [{}]", field, value.empty() ? "(none)" : value, *id));
    return true;
  }
  void Line(std::string line) { lines_.push_back(std::move(line)); }

  const std::string& error() const { return error_; }
  ToolResult Finish(const std::string& head) {
    if (!error_.empty()) return ToolResult::Error(error_);
    ToolResult r;
    r.content = head + "\n" + Join(lines_, "\n");
    r.evidence_ids = ids_;
    return r;
  }

 private:
  ToolContext& ctx_;
  EvidenceDraft base_;
  std::vector<std::string> ids_;
  std::vector<std::string> lines_;
  std::string error_;
};

std::string Percent(std::int64_t part, std::int64_t total) {
  return total <= 0 ? "0%"
                    : fmt::format("{:.1f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(total));
}

std::string Day(const std::string& rfc3339) { return rfc3339.substr(0, 10); }

}  // namespace

Result<std::string> NormaliseRepoArgument(const std::string& text) {
  std::string repo = text;
  for (std::string_view prefix : {"https://github.com/", "http://github.com/", "github.com/",
                                  "https://www.github.com/", "www.github.com/"}) {
    if (repo.rfind(prefix, 0) == 0) {
      repo = repo.substr(prefix.size());
      break;
    }
  }
  while (!repo.empty() && repo.back() == '/') repo.pop_back();
  if (repo.size() > 4 && repo.compare(repo.size() - 4, 4, ".git") == 0) {
    repo.resize(repo.size() - 4);
  }
  const std::size_t slash = repo.find('/');
  const bool shape = slash != std::string::npos && slash > 0 && slash + 1 < repo.size() &&
                     repo.find('/', slash + 1) == std::string::npos;
  const bool chars =
      std::all_of(repo.begin(), repo.end(), [](char c) { return c == '/' || RepoChar(c); });
  if (!shape || !chars || repo.find("..") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("repo must name a GitHub repository as owner/name (for example "
                            "\"PyGithub/PyGithub\"), got \"{}\"",
                            text));
  }
  return repo;
}

GithubLookupTool::GithubLookupTool(HttpClient& http, HttpCache& cache, Clock& clock,
                                   GithubClientOptions options)
    : client_(http, cache, clock, std::move(options)) {
  schema_ = {
      {"type", "object"},
      {"properties",
       {{"repo",
         {{"type", "string"},
          {"minLength", 1u},
          {"description", "A repository as owner/name (or its github.com URL)."}}},
        {"query",
         {{"type", "string"},
          {"minLength", 1u},
          {"maxLength", 256u},
          {"description",
           "Search repositories with GitHub's syntax, e.g. \"vision language model "
           "language:Python\"."}}},
        {"include",
         {{"type", "array"},
          {"items",
           {{"type", "string"}, {"enum", {"releases", "contributors", "languages", "topics"}}}},
          {"description", "Extra facts for a repo look-up."}}},
        {"limit",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", 100},
          {"default", 10},
          {"description", "How many search results to list."}}},
        {"subject",
         {{"type", "string"},
          {"description", "The catalog name of the tool these facts are about."}}}}},
      {"additionalProperties", false}};
}

std::string GithubLookupTool::description() const {
  return "Look up a GitHub repository (stars, forks, licence, topics, last push, open issues; "
         "optionally releases, contributors, languages) or search repositories. Pass exactly one "
         "of repo and query. Facts are recorded as evidence.";
}

std::string GithubLookupTool::Describe(const json& args) const {
  if (args.contains("repo") && args["repo"].is_string()) {
    return "look up " + args["repo"].get<std::string>() + " on GitHub";
  }
  if (args.contains("query") && args["query"].is_string()) {
    return "search GitHub repositories for \"" + args["query"].get<std::string>() + "\"";
  }
  return Tool::Describe(args);
}

ToolResult GithubLookupTool::Run(const json& args, ToolContext& ctx) {
  const bool has_repo = args.contains("repo");
  const bool has_query = args.contains("query");
  if (has_repo == has_query) {
    return ToolResult::Error(
        has_repo ? "github_lookup takes repo or query, not both: make one call for each"
                 : "github_lookup needs repo (\"owner/name\") or query (a search): pass one of "
                   "them");
  }
  const std::string subject = args.value("subject", "");
  const json include = args.value("include", json::array());
  if (has_query) {
    if (!include.empty()) {
      return ToolResult::Error(
          "include applies to a repo look-up, not a search: leave it out, or pass repo");
    }
    return Search(args["query"].get<std::string>(), args.value("limit", 10), subject, ctx);
  }
  Result<std::string> repo = NormaliseRepoArgument(args["repo"].get<std::string>());
  if (!repo) return ToolResult::Error(repo.message());
  return LookUpRepository(*repo, include, subject, ctx);
}

ToolResult GithubLookupTool::LookUpRepository(const std::string& repo, const json& include,
                                              const std::string& subject, ToolContext& ctx) {
  if (ctx.cancelled()) return ToolResult::Error("github_lookup was cancelled");
  auto answer = client_.Repository(repo, ctx.cancel);
  if (!answer) return ToolResult::Error(answer.message());
  const GithubRepository& r = answer->value;
  const std::string html_url = r.html_url.empty() ? "https://github.com/" + repo : r.html_url;
  const std::string name = r.full_name.empty() ? repo : r.full_name;

  EvidenceDraft base;
  base.subject = subject;
  base.kind = "repo";
  base.source_url = html_url;
  base.title = "GitHub repository " + name;
  // Facts served from the cache under a rate limit carry the date they are from.
  if (answer->provenance.stale) base.title += " (" + answer->provenance.note + ")";
  base.tool = "github_lookup";
  Recorder rec(ctx, base);

  auto want = [&](const char* what) {
    return std::find(include.begin(), include.end(), json(what)) != include.end();
  };
  auto quote_int = [](const char* key, std::int64_t v) {
    return fmt::format("\"{}\": {}", key, v);
  };
  auto quote_str = [](const char* key, const std::string& v) {
    return fmt::format("\"{}\": {}", key,
                       json(v).dump(-1, ' ', false, json::error_handler_t::replace));
  };

  std::string license = r.license_spdx.empty() ? "none detected" : r.license_spdx;
  if (!r.license_name.empty() && !r.license_spdx.empty()) license += " (" + r.license_name + ")";
  bool ok =
      rec.Fact("description", r.description, quote_str("description", r.description)) &&
      rec.Fact("stars", std::to_string(r.stars), quote_int("stargazers_count", r.stars)) &&
      rec.Fact("forks", std::to_string(r.forks), quote_int("forks_count", r.forks)) &&
      rec.Fact("open_issues", std::to_string(r.open_issues),
               quote_int("open_issues_count", r.open_issues)) &&
      rec.Fact("license", license, quote_str("spdx_id", r.license_spdx)) &&
      rec.Fact("language", r.language, quote_str("language", r.language)) &&
      rec.Fact("pushed_at", r.pushed_at, quote_str("pushed_at", r.pushed_at)) &&
      rec.Fact("created_at", r.created_at, quote_str("created_at", r.created_at)) &&
      rec.Fact("default_branch", r.default_branch, quote_str("default_branch", r.default_branch)) &&
      rec.Fact("archived", r.archived ? "true" : "false",
               r.archived ? "\"archived\": true" : "\"archived\": false");
  if (ok && !r.homepage.empty())
    ok = rec.Fact("homepage", r.homepage, quote_str("homepage", r.homepage));

  std::vector<std::string> topics = r.topics;
  if (ok && want("topics")) {
    auto t = client_.Topics(repo, ctx.cancel);
    if (t) {
      topics = t->value;
    } else {
      rec.Line("- topics endpoint: unavailable (" + t.message() + ")");
    }
  }
  if (ok)
    ok = rec.Fact("topics", Join(topics, ", "),
                  json(topics).dump(-1, ' ', false, json::error_handler_t::replace));

  if (ok && want("releases")) {
    auto rel = client_.Releases(repo, kReleases, ctx.cancel);
    if (!rel) {
      rec.Line("- releases: unavailable (" + rel.message() + ")");
    } else if (rel->value.empty()) {
      ok = rec.Fact("latest_release", "", "[]", "", html_url + "/releases");
    } else {
      std::string body;
      for (const GithubRelease& x : rel->value) {
        body += fmt::format("{}\t{}\t{}{}\n", x.tag_name, Day(x.published_at), x.name,
                            x.prerelease ? " (pre-release)" : "");
      }
      const GithubRelease& latest = rel->value.front();
      ok = rec.Fact("latest_release",
                    fmt::format("{} ({})", latest.tag_name, Day(latest.published_at)),
                    quote_str("tag_name", latest.tag_name), body, html_url + "/releases");
    }
  }
  if (ok && want("contributors")) {
    auto con = client_.Contributors(repo, kContributors, ctx.cancel);
    if (!con) {
      rec.Line("- contributors: unavailable (" + con.message() + ")");
    } else {
      std::vector<std::string> shown;
      for (const GithubContributor& c : con->value) {
        shown.push_back(fmt::format("{} ({})", c.login, c.contributions));
      }
      ok = rec.Fact("top_contributors", Join(shown, ", "), "", Join(shown, "\n"),
                    html_url + "/graphs/contributors");
    }
  }
  if (ok && want("languages")) {
    auto lang = client_.Languages(repo, ctx.cancel);
    if (!lang) {
      rec.Line("- languages: unavailable (" + lang.message() + ")");
    } else {
      std::int64_t total = 0;
      for (const auto& [n, bytes] : lang->value) total += bytes;
      std::vector<std::string> shown;
      std::string body;
      for (const auto& [n, bytes] : lang->value) {
        shown.push_back(n + " " + Percent(bytes, total));
        body += fmt::format("{}\t{} bytes\n", n, bytes);
      }
      ok = rec.Fact("languages", Join(shown, ", "), "", body);
    }
  }

  std::string head = fmt::format("GitHub repository {} ({})", name, html_url);
  if (answer->provenance.stale) head += "\nNote: " + answer->provenance.note;
  return rec.Finish(head);
}

ToolResult GithubLookupTool::Search(const std::string& query, int limit, const std::string& subject,
                                    ToolContext& ctx) {
  if (ctx.cancelled()) return ToolResult::Error("github_lookup was cancelled");
  auto answer = client_.SearchRepositories(query, limit, "stars", "desc", ctx.cancel);
  if (!answer) return ToolResult::Error(answer.message());
  const GithubSearchPage& page = answer->value;

  std::string list;
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    const GithubRepository& r = page.items[i];
    list += fmt::format("{}. {} ({} stars, {}, licence {}, pushed {}){}{}\n", i + 1, r.full_name,
                        r.stars, r.language.empty() ? "language unknown" : r.language,
                        r.license_spdx.empty() ? "unknown" : r.license_spdx, Day(r.pushed_at),
                        r.description.empty() ? "" : ": ", r.description);
  }
  EvidenceDraft d;
  d.subject = subject;
  d.kind = "search";
  d.value = fmt::format("{} repositories match \"{}\"; top {} by stars listed", page.total_count,
                        query, page.items.size());
  d.source_url = "https://github.com/search?q=" + FormEncode(query) + "&type=repositories";
  d.title = "GitHub repository search: " + query;
  if (answer->provenance.stale) d.title += " (" + answer->provenance.note + ")";
  d.quote = fmt::format("\"total_count\": {}", page.total_count);
  d.body = list;
  d.tool = "github_lookup";
  Result<std::string> id = ctx.ledger.Record(d);
  if (!id) {
    return ToolResult::Error("could not record the GitHub search in the evidence ledger: " +
                             id.message());
  }
  ToolResult out;
  out.content = fmt::format("GitHub search \"{}\": {} repositories match; {} listed by stars [{}]",
                            query, page.total_count, page.items.size(), *id);
  if (page.incomplete_results) out.content += " (GitHub says the results are incomplete)";
  if (answer->provenance.stale) out.content += "\nNote: " + answer->provenance.note;
  out.content += "\n" + list;
  out.evidence_ids.push_back(*id);
  return out;
}

std::unique_ptr<Tool> MakeGithubLookupTool(const config::Config& cfg, HttpClient& http,
                                           HttpCache& cache, Clock& clock) {
  GithubClientOptions options;
  options.api_url = cfg.github.api_url;
  return std::make_unique<GithubLookupTool>(http, cache, clock, std::move(options));
}

}  // namespace intern::tools
