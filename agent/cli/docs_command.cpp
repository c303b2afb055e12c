// `intern docs add|list|rm|search` — the document index from the command line (DESIGN §5, §11).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "agent/toolbox.h"
#include "tools/docs/doc_index.h"
#include "tools/http/beast_http_client.h"

namespace intern::agent {
namespace {
namespace fs = std::filesystem;
using tools::AddPathOptions;
using tools::AddProgress;
using tools::AddReport;
using tools::AddSummary;
using tools::DocKind;
using tools::DocHit;
using tools::DocIndex;
using tools::DocSource;

// Where the document index lives: <home>/docs.db (config key `home`, env INTERN_HOME).
std::string DocsIndexPath(CliContext& ctx) { return config::DocsIndexPath(LoadConfig(ctx)).string(); }

bool IsUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

// The seam for URLs: fetch_page (HTTP client, text extraction, DocIndex::AddText) is wired here
// once the HTTP client exists.
// Fetches one page (HTML, Markdown or text) with the configured HTTP client and indexes it under
// the URL that answered. Throws Error with one sentence when it cannot.
AddReport AddUrl(CliContext& ctx, DocIndex& index, const std::string& url,
                 const std::string& subject) {
  constexpr std::uint64_t kMaxPageBytes = 16ull << 20;
  tools::BeastHttpClient http(HttpOptionsFromConfig(LoadConfig(ctx)));
  tools::HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "text/html, text/markdown, text/plain;q=0.9"}};
  request.max_body_bytes = kMaxPageBytes;
  Result<tools::HttpResponse> response = http.Send(request);
  if (!response) throw Error(fmt::format("cannot add {}: {}", url, response.message()));
  if (response->status != 200)
    throw Error(fmt::format("cannot add {}: the server answered HTTP {}", url, response->status));
  std::string type = response->Header("content-type").value_or("");
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  DocKind kind = DocKind::kText;
  if (type.find("html") != std::string::npos) {
    kind = DocKind::kHtml;
  } else if (type.find("markdown") != std::string::npos) {
    kind = DocKind::kMarkdown;
  } else if (!type.empty() && type.rfind("text/", 0) != 0) {
    throw Error(fmt::format("cannot add {}: it is {}, not a web page or text", url, type));
  }
  return index.AddText(response->final_url.empty() ? url : response->final_url, response->body,
                       kind, subject);
}

std::string Json(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string Megabytes(uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

std::string HumanSize(uint64_t bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  if (bytes < 1000 * 1000) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
  return Megabytes(bytes);
}

// Progress of a long ingest on stderr: a rewritten status line on a terminal, else a line per
// kLineEvery files so logs stay short.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::ostream& err)
      : err_(err), tty_(&err == &std::cerr && isatty(STDERR_FILENO) == 1) {}

  void Update(const AddProgress& p) {
    constexpr size_t kLineEvery = 1000;
    if (tty_) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      err_ << fmt::format("\r\033[Kindexing: {} files, {}", p.files_done, Megabytes(p.bytes_done))
           << std::flush;
      shown_ = true;
    } else if (p.files_done % kLineEvery == 0) {
      err_ << fmt::format("indexing: {} files, {}\n", p.files_done, Megabytes(p.bytes_done));
    }
  }

  void Finish() {
    if (shown_) err_ << "\r\033[K" << std::flush;
  }

 private:
  std::ostream& err_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

struct AddOptions {
  std::vector<std::string> targets;
  std::string subject;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool json = false;
};

void RunAdd(CliContext& ctx, const AddOptions& o) {
  for (const std::string& target : o.targets) {
    if (!IsUrl(target) && !fs::exists(target)) {
      throw UsageError(fmt::format("no such file or folder: {}", target));
    }
  }
  DocIndex index(DocsIndexPath(ctx));
  auto start = std::chrono::steady_clock::now();
  AddSummary total;
  ProgressPrinter printer(ctx.err);
  AddPathOptions options;
  options.include = o.include;
  options.exclude = o.exclude;
  options.subject = o.subject;
  options.progress = [&printer](const AddProgress& p) { printer.Update(p); };
  // URLs first: the one that cannot be fetched fails before any file is indexed.
  for (const std::string& target : o.targets) {
    if (!IsUrl(target)) continue;
    AddReport report = AddUrl(ctx, index, target, o.subject);
    total.added += report.outcome == tools::AddOutcome::kAdded;
    total.replaced += report.outcome == tools::AddOutcome::kReplaced;
    total.unchanged += report.outcome == tools::AddOutcome::kUnchanged;
    total.chunks += report.chunks;
  }
  for (const std::string& target : o.targets) {
    if (IsUrl(target)) continue;
    Result<AddSummary> r = index.AddPath(target, options);
    if (!r) throw Error(r.message());
    total.added += r->added;
    total.replaced += r->replaced;
    total.unchanged += r->unchanged;
    total.bytes += r->bytes;
    total.chunks += r->chunks;
    total.skipped.insert(total.skipped.end(), r->skipped.begin(), r->skipped.end());
  }
  printer.Finish();
  // A large ingest leaves many FTS segments; merging them costs seconds once and makes every
  // later query faster.
  constexpr size_t kOptimizeAfterChunks = 10000;
  if (total.chunks >= kOptimizeAfterChunks) index.Optimize();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (o.json) {
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& s : total.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
    ctx.out << Json({{"files", total.files()},
                     {"added", total.added},
                     {"replaced", total.replaced},
                     {"unchanged", total.unchanged},
                     {"bytes", total.bytes},
                     {"chunks", total.chunks},
                     {"seconds", seconds},
                     {"skipped", skipped}});
    return;
  }
  std::map<std::string, size_t> reasons;
  for (const auto& s : total.skipped) {
    ++reasons[s.reason.rfind("unreadable", 0) == 0 ? "unreadable" : s.reason];
  }
  std::string skipped;
  for (const auto& [reason, count] : reasons) {
    skipped += fmt::format("{}{} {}", skipped.empty() ? "" : ", ", count, reason);
  }
  ctx.out << fmt::format(
      "indexed {} file{} ({}, {} chunks) in {:.1f} s: {} added, {} replaced, {} unchanged; "
      "skipped {}{}\n",
      total.files(), total.files() == 1 ? "" : "s", HumanSize(total.bytes), total.chunks, seconds,
      total.added, total.replaced, total.unchanged, total.skipped.size(),
      skipped.empty() ? "" : " (" + skipped + ")");
}

void RunList(CliContext& ctx, bool json) {
  std::string path = DocsIndexPath(ctx);
  DocIndex index(path);
  std::vector<DocSource> sources = index.List();
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const DocSource& s : sources) {
      list.push_back({{"id", s.id},
                      {"uri", s.uri},
                      {"kind", s.kind},
                      {"subject", s.subject},
                      {"title", s.title},
                      {"content_hash", s.content_hash},
                      {"size", s.size},
                      {"chunks", s.chunks},
                      {"added_at", s.added_at}});
    }
    ctx.out << Json(list);
    return;
  }
  if (sources.empty()) {
    ctx.out << fmt::format(
        "the document index at {} is empty; add documents with `intern docs add PATH`\n", path);
    return;
  }
  ctx.out << fmt::format("{:>6}  {:<8}  {:>6}  {:>9}  {:<12}  {}\n", "ID", "KIND", "CHUNKS", "SIZE",
                         "SUBJECT", "URI");
  for (const DocSource& s : sources) {
    ctx.out << fmt::format("{:>6}  {:<8}  {:>6}  {:>9}  {:<12}  {}\n", s.id, s.kind, s.chunks,
                           HumanSize(static_cast<uint64_t>(s.size)),
                           s.subject.empty() ? "-" : s.subject, s.uri);
  }
}

void RunRemove(CliContext& ctx, const std::vector<std::string>& keys) {
  DocIndex index(DocsIndexPath(ctx));
  for (const std::string& key : keys) {
    Result<std::vector<DocSource>> removed = index.Remove(key);
    if (!removed) throw Error(removed.message());
    for (const DocSource& s : *removed) {
      ctx.out << fmt::format("removed {} {} ({} chunks)\n", s.id, s.uri, s.chunks);
    }
  }
}

struct SearchOptions {
  std::string query;
  std::string subject;
  int k = 5;
  bool json = false;
};

void RunSearch(CliContext& ctx, const SearchOptions& o) {
  if (o.query.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw UsageError(
        "the search query is empty; give the words to look for, e.g. intern docs search "
        "\"rotate signing key\"");
  }
  DocIndex index(DocsIndexPath(ctx));
  Result<std::vector<DocHit>> hits = index.Search(o.query, o.subject, o.k);
  if (!hits) {
    if (hits.code() == ErrorCode::kInvalidArgument) throw UsageError(hits.message());
    throw Error(hits.message());
  }
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const DocHit& h : *hits) {
      list.push_back({{"uri", h.uri},
                      {"title", h.title},
                      {"subject", h.subject},
                      {"heading_path", h.heading_path},
                      {"snippet", h.snippet},
                      {"score", h.score},
                      {"source_id", h.source_id},
                      {"chunk_id", h.chunk_id},
                      {"text", h.text}});
    }
    ctx.out << Json(list);
    return;
  }
  if (hits->empty()) {
    ctx.out << fmt::format("no indexed document matches \"{}\"{}\n", o.query,
                           o.subject.empty() ? "" : " for subject " + o.subject);
    return;
  }
  for (size_t i = 0; i < hits->size(); ++i) {
    const DocHit& h = (*hits)[i];
    std::string snippet = h.snippet;
    for (char& c : snippet) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    ctx.out << fmt::format(
        "{}. {}{}  [{:.2f}]\n   {}\n   {}\n", i + 1, h.title.empty() ? "(untitled)" : h.title,
        h.heading_path.empty() ? "" : " › " + h.heading_path, h.score, h.uri, snippet);
  }
}

}  // namespace

void AttachDocsCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);

  auto add = std::make_shared<AddOptions>();
  CLI::App* add_cmd =
      cmd.add_subcommand("add", "Index files, folders (recursively; Markdown, HTML, text) or URLs");
  add_cmd->add_option("targets", add->targets, "Files, folders or http(s) URLs")
      ->required()
      ->type_name("PATH|URL");
  add_cmd->add_option("--subject", add->subject,
                      "Catalog name of the tool these documents are about");
  add_cmd
      ->add_option("--include", add->include,
                   "Only files matching this glob (repeatable; `*.md`, or `docs/*` for a path)")
      ->type_name("GLOB");
  add_cmd
      ->add_option("--exclude", add->exclude,
                   "Skip files and folders matching this glob (repeatable)")
      ->type_name("GLOB");
  add_cmd->add_flag("--json", add->json, "Print the summary as JSON");
  add_cmd->callback([&ctx, add] { RunAdd(ctx, *add); });

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list_cmd = cmd.add_subcommand("list", "List the indexed sources");
  list_cmd->add_flag("--json", *list_json, "Print as JSON");
  list_cmd->callback([&ctx, list_json] { RunList(ctx, *list_json); });

  auto keys = std::make_shared<std::vector<std::string>>();
  CLI::App* rm_cmd = cmd.add_subcommand("rm", "Remove sources by URI, id, file path or folder");
  rm_cmd->add_option("sources", *keys, "URIs, ids (from `docs list`), paths or folders")
      ->required()
      ->type_name("URI|ID");
  rm_cmd->callback([&ctx, keys] { RunRemove(ctx, *keys); });

  auto search = std::make_shared<SearchOptions>();
  CLI::App* search_cmd = cmd.add_subcommand("search", "Search the index (BM25 over sections)");
  search_cmd
      ->add_option("query", search->query, "Words or a question; \"quoted phrases\" match exactly")
      ->required();
  search_cmd->add_option("--subject", search->subject, "Only sources added with this subject");
  search_cmd->add_option("-k", search->k, "How many passages to show (1-50)")
      ->check(CLI::Range(1, 50))
      ->default_val(5);
  search_cmd->add_flag("--json", search->json, "Print as JSON");
  search_cmd->callback([&ctx, search] { RunSearch(ctx, *search); });
}

}  // namespace intern::agent
