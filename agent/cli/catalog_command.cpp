// `intern catalog list|show|add` — the seed catalog merged with entries added at run time.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "agent/catalog_store.h"
#include "agent/cli/cli.h"
#include "agent/resolve.h"
#include "config/catalog.h"
#include "config/error.h"

namespace intern::agent {
namespace {

using config::Catalog;
using config::CatalogEntry;
using nlohmann::json;

// Run-time entries live in the session store (<home>/intern.db), opened on first use.
std::shared_ptr<config::CatalogOverlay> OpenCatalogOverlay(CliContext& ctx) {
  return std::make_shared<StoreCatalogOverlay>(
      [&ctx] { return config::StorePath(LoadConfig(ctx)); }, "operator");
}

Catalog LoadCatalog(const config::CatalogOverlay& overlay) {
  auto catalog = Catalog::WithOverlay(Catalog::Embedded(), overlay);
  if (!catalog) throw Error(catalog.message());
  return std::move(*catalog);
}

json ToJson(const CatalogEntry& e) {
  json facts = json::array();
  for (const config::CatalogFact& f : e.facts) {
    facts.push_back(
        {{"field", f.field}, {"value", f.value}, {"source", f.source}, {"checked", f.checked}});
  }
  return {{"id", e.id},
          {"name", e.name},
          {"aliases", e.aliases},
          {"kind", e.kind},
          {"category", e.category},
          {"organisation", e.organisation},
          {"tagline", e.tagline},
          {"summary", e.summary},
          {"links",
           {{"home", e.links.home},
            {"docs", e.links.docs},
            {"repo", e.links.repo},
            {"hf", e.links.hf}}},
          {"hf_ids", e.hf_ids},
          {"github", e.github},
          {"pipeline_tag", e.pipeline_tag},
          {"topics", e.topics},
          {"pricing", {{"model", e.pricing.model}, {"entry", e.pricing.entry}}},
          {"licence", e.licence},
          {"facts", facts},
          {"origin", e.origin == config::CatalogOrigin::kEmbedded ? "embedded" : "added"}};
}

std::string Pricing(const CatalogEntry& e) {
  if (e.pricing.entry.empty()) return e.pricing.model.empty() ? "-" : e.pricing.model;
  return e.pricing.entry;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// Column widths count bytes; the catalog's names are ASCII, and a wide character only shifts
// its own row.
void PrintTable(std::ostream& out, const std::vector<const CatalogEntry*>& rows) {
  const std::vector<std::string> headers = {"NAME",         "KIND",    "CATEGORY",
                                            "ORGANISATION", "LICENCE", "PRICING"};
  std::vector<std::vector<std::string>> cells;
  for (const CatalogEntry* e : rows) {
    cells.push_back({e->name, e->kind, OrDash(e->category), OrDash(e->organisation),
                     OrDash(e->licence), Pricing(*e)});
  }
  std::vector<std::size_t> width(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    width[c] = headers[c].size();
    for (const auto& row : cells) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size()) {
        line += row[c];
      } else {
        line += fmt::format("{:<{}}  ", row[c], width[c]);
      }
    }
    out << line << "\n";
  };
  print_row(headers);
  for (const auto& row : cells) print_row(row);
}

void PrintEntry(std::ostream& out, const CatalogEntry& e) {
  out << e.name << " (" << e.id << ")\n";
  if (!e.tagline.empty()) out << "  " << e.tagline << "\n";
  auto field = [&](const char* label, const std::string& value) {
    if (!value.empty()) out << fmt::format("{:<14}{}\n", label, value);
  };
  auto list = [](const std::vector<std::string>& v) {
    return fmt::format("{}", fmt::join(v, ", "));
  };
  out << "\n";
  field("kind", e.kind);
  field("category", e.category);
  field("organisation", e.organisation);
  field("aliases", list(e.aliases));
  field("licence", e.licence);
  if (!e.pricing.model.empty() || !e.pricing.entry.empty()) {
    field("pricing", e.pricing.entry.empty()
                         ? e.pricing.model
                         : fmt::format("{} ({})", e.pricing.entry, e.pricing.model));
  }
  field("home", e.links.home);
  field("docs", e.links.docs);
  field("repo", e.links.repo);
  field("hub", e.links.hf);
  field("hf ids", list(e.hf_ids));
  field("github", e.github);
  field("pipeline", e.pipeline_tag);
  field("topics", list(e.topics));
  field("origin",
        e.origin == config::CatalogOrigin::kEmbedded ? "built-in catalog" : "added at run time");
  if (!e.summary.empty()) out << "\n" << e.summary << "\n";
  if (!e.facts.empty()) {
    out << "\nFacts:\n";
    for (const config::CatalogFact& f : e.facts) {
      out << fmt::format("  {}: {}\n    source: {} (checked {})\n", f.field, f.value, f.source,
                         f.checked);
    }
  }
}

struct ListOptions {
  std::string category;
  std::string kind;
  bool json = false;
};

void AttachList(CLI::App& parent, CliContext& ctx,
                const std::shared_ptr<config::CatalogOverlay>& overlay) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = parent.add_subcommand("list", "List the catalog's tools");
  cmd->add_option("--category", opts->category, "Only this category (case-insensitive)");
  cmd->add_option("--kind", opts->kind,
                  "Only this kind: model, framework, agent, library, "
                  "hosted-api or app");
  cmd->add_flag("--json", opts->json, "Print JSON instead of a table");
  cmd->callback([&ctx, opts, overlay] {
    if (!opts->kind.empty() && !config::IsCatalogKind(opts->kind)) {
      throw UsageError(fmt::format(
          "--kind {} is not a catalog kind; use model, framework, agent, library, hosted-api "
          "or app",
          opts->kind));
    }
    Catalog catalog = LoadCatalog(*overlay);
    auto lower = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return s;
    };
    std::vector<const CatalogEntry*> rows;
    for (const CatalogEntry& e : catalog.entries()) {
      if (!opts->kind.empty() && e.kind != opts->kind) continue;
      if (!opts->category.empty() && lower(e.category) != lower(opts->category)) continue;
      rows.push_back(&e);
    }
    if (opts->json) {
      json array = json::array();
      for (const CatalogEntry* e : rows) array.push_back(ToJson(*e));
      ctx.out << array.dump(2) << "\n";
      return;
    }
    if (rows.empty()) {
      ctx.out << "No catalog entries match.\n";
      return;
    }
    PrintTable(ctx.out, rows);
  });
}

struct ShowOptions {
  std::string name;
  std::optional<int> pick;
  bool json = false;
};

void AttachShow(CLI::App& parent, CliContext& ctx,
                const std::shared_ptr<config::CatalogOverlay>& overlay) {
  auto opts = std::make_shared<ShowOptions>();
  CLI::App* cmd = parent.add_subcommand("show", "Show one tool with every fact and its source");
  cmd->add_option("name", opts->name, "A name, alias, hub id, GitHub repo or URL")->required();
  cmd->add_option("--pick", opts->pick, "Choose candidate N when the name is ambiguous");
  cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->callback([&ctx, opts, overlay] {
    Catalog catalog = LoadCatalog(*overlay);
    auto resolved = Resolve(opts->name, catalog, ResolveOptions{opts->pick});
    if (!resolved) throw UsageError(resolved.message());
    const Resolution& r = *resolved;
    if (r.kind == ResolutionKind::kAmbiguous) {
      ctx.err << r.note << "\n";
      for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        const Candidate& c = r.candidates[i];
        ctx.err << fmt::format("  {}. {} ({}, {}) score {:.2f}\n", i + 1, c.entry.name, c.entry.id,
                               c.entry.category, c.score);
      }
      ctx.exit_code = kExitUsage;
      return;
    }
    if (!r.resolved()) throw Error(r.note + " Run `intern catalog list` to see what it knows.");
    if (r.kind != ResolutionKind::kExact) ctx.err << r.note << "\n";
    if (opts->json) {
      json j = ToJson(*r.entry);
      j["resolution"] = {{"kind", ResolutionKindName(r.kind)}, {"note", r.note}};
      ctx.out << j.dump(2) << "\n";
      return;
    }
    PrintEntry(ctx.out, *r.entry);
  });
}

struct AddOptions {
  std::string name;
  std::string kind;
  std::string category;
  std::string id;
  std::string github;
  std::vector<std::string> hf_ids;
  std::vector<std::string> aliases;
  std::string licence;
  std::string organisation;
  bool json = false;
};

std::string SlugOf(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

void AttachAdd(CLI::App& parent, CliContext& ctx,
               const std::shared_ptr<config::CatalogOverlay>& overlay) {
  auto opts = std::make_shared<AddOptions>();
  CLI::App* cmd = parent.add_subcommand("add", "Add a tool to the catalog");
  cmd->add_option("--name", opts->name, "Display name")->required();
  cmd->add_option("--kind", opts->kind, "model, framework, agent, library, hosted-api or app")
      ->required();
  cmd->add_option("--category", opts->category, "Category, e.g. \"Inference engines\"")->required();
  cmd->add_option("--id", opts->id, "Slug (default: derived from the name)");
  cmd->add_option("--github", opts->github, "GitHub repo, owner/name");
  cmd->add_option("--hf", opts->hf_ids, "Hub id, owner/name (repeatable)");
  cmd->add_option("--alias", opts->aliases, "Another name (repeatable)");
  cmd->add_option("--licence", opts->licence, "SPDX id or licence name");
  cmd->add_option("--organisation", opts->organisation, "Who makes it");
  cmd->add_flag("--json", opts->json, "Print the added entry as JSON");
  cmd->callback([&ctx, opts, overlay] {
    Catalog catalog = LoadCatalog(*overlay);
    CatalogEntry e;
    e.id = opts->id.empty() ? SlugOf(opts->name) : opts->id;
    e.name = opts->name;
    e.kind = opts->kind;
    e.category = opts->category;
    e.github = opts->github;
    e.hf_ids = opts->hf_ids;
    e.aliases = opts->aliases;
    e.licence = opts->licence;
    e.organisation = opts->organisation;
    if (!e.github.empty()) e.links.repo = "https://github.com/" + e.github;
    if (!e.hf_ids.empty()) e.links.hf = "https://huggingface.co/" + e.hf_ids.front();
    // A name that already resolves exactly is a duplicate under another spelling.
    auto existing = Resolve(e.name, catalog);
    if (!existing) throw UsageError(existing.message());
    if (existing->kind == ResolutionKind::kExact || existing->kind == ResolutionKind::kAlias) {
      throw UsageError(fmt::format("the catalog already knows {} as {} ({}); nothing added", e.name,
                                   existing->entry->name, existing->entry->id));
    }
    if (Status added = catalog.Add(e, *overlay); !added) {
      if (added.code() == ErrorCode::kIo) throw Error(added.message());  // the store, not the input
      throw UsageError(added.message());
    }
    const CatalogEntry& stored = *catalog.FindById(e.id);
    if (opts->json) {
      ctx.out << ToJson(stored).dump(2) << "\n";
      return;
    }
    ctx.out << fmt::format("Added {} ({}, {}) to the catalog as \"{}\".\n", stored.name,
                           stored.kind, stored.category, stored.id);
  });
}

}  // namespace

void AttachCatalogCommand(CLI::App& cmd, CliContext& ctx) {
  std::shared_ptr<config::CatalogOverlay> overlay = OpenCatalogOverlay(ctx);
  cmd.require_subcommand(1);
  AttachList(cmd, ctx, overlay);
  AttachShow(cmd, ctx, overlay);
  AttachAdd(cmd, ctx, overlay);
}

}  // namespace intern::agent
