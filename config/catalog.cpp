#include "config/catalog.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "config/error.h"

namespace intern::config {
namespace {

constexpr std::string_view kEntryKeys[] = {
    "id",      "name",    "aliases", "kind",   "category", "organisation",
    "tagline", "summary", "links",   "hf_ids", "github",   "pipeline_tag",
    "topics",  "pricing", "licence", "facts",  "bench"};
constexpr std::string_view kLinkKeys[] = {"home", "docs", "repo", "hf"};
constexpr std::string_view kPricingKeys[] = {"model", "entry"};
constexpr std::string_view kFactKeys[] = {"field", "value", "source", "checked"};

template <std::size_t N>
bool Contains(const std::string_view (&set)[N], std::string_view value) {
  return std::find(std::begin(set), std::end(set), value) != std::end(set);
}

template <std::size_t N>
std::string JoinSet(const std::string_view (&set)[N]) {
  std::string out;
  for (std::string_view s : set) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

bool IsSlug(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsHttpUrl(std::string_view s) {
  return (s.starts_with("https://") && s.size() > 8) || (s.starts_with("http://") && s.size() > 7);
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool IsOwnerSlashName(std::string_view s) {
  std::size_t slash = s.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < s.size() &&
         s.find('/', slash + 1) == std::string_view::npos && s.find(' ') == std::string_view::npos;
}

// The problem with one fact, or nullopt. Shared by Parse (which adds the fact's line) and
// ValidateCatalogEntry.
std::optional<std::string> FactProblem(const CatalogFact& fact) {
  if (fact.field.empty()) return std::string("a fact has no field");
  std::string name = fmt::format("fact \"{}\"", fact.field);
  if (fact.value.empty()) return name + " has no value";
  if (fact.source.empty()) return name + " has no source";
  if (!IsHttpUrl(fact.source)) {
    return fmt::format("{} has source \"{}\", which is not an http(s) URL", name, fact.source);
  }
  if (fact.checked.empty()) return name + " has no checked date";
  if (!IsIsoDate(fact.checked)) {
    return fmt::format("{} has checked date \"{}\"; write it as YYYY-MM-DD", name, fact.checked);
  }
  return std::nullopt;
}

// The first problem with the entry's own fields (not its facts), or nullopt.
std::optional<std::string> EntryProblem(const CatalogEntry& e) {
  if (e.id.empty()) return std::string("the entry has no id");
  if (!IsSlug(e.id)) {
    return fmt::format("id \"{}\" must use only lowercase letters, digits and '-'", e.id);
  }
  if (e.name.empty()) return std::string("the entry has no name");
  if (e.kind.empty()) return std::string("the entry has no kind");
  if (!IsCatalogKind(e.kind)) {
    return fmt::format("kind \"{}\" is not one of {}", e.kind, JoinSet(kCatalogKinds));
  }
  if (e.category.empty()) return std::string("the entry has no category");
  if (!e.pricing.model.empty() && !IsPricingModel(e.pricing.model)) {
    return fmt::format("pricing model \"{}\" is not one of {}", e.pricing.model,
                       JoinSet(kPricingModels));
  }
  if (!e.github.empty() && !IsOwnerSlashName(e.github)) {
    return fmt::format("github \"{}\" must be written owner/name", e.github);
  }
  for (const std::string& id : e.hf_ids) {
    if (!IsOwnerSlashName(id)) return fmt::format("hf id \"{}\" must be written owner/name", id);
  }
  for (const std::string& alias : e.aliases) {
    if (alias.empty()) return std::string("an alias is empty");
  }
  return std::nullopt;
}

// Reads one [[entries]] table, reporting problems as "ORIGIN:LINE: entry \"id\": ...".
class EntryReader {
 public:
  EntryReader(const toml::table& table, std::string_view origin) : table_(table), origin_(origin) {
    if (const toml::node* id = table.get("id")) {
      if (auto s = id->value<std::string>()) id_ = *s;
    }
  }

  Result<CatalogEntry> Read() {
    CatalogEntry e;
    for (const auto& [key, node] : table_) {
      if (!Contains(kEntryKeys, key.str())) {
        return Problem(node, fmt::format("unknown key \"{}\" (expected one of {})", key.str(),
                                         JoinSet(kEntryKeys)));
      }
    }
    if (auto s = String(table_, "id", e.id); !s) return s.failure();
    if (auto s = String(table_, "name", e.name); !s) return s.failure();
    if (auto s = Strings(table_, "aliases", e.aliases); !s) return s.failure();
    if (auto s = String(table_, "kind", e.kind); !s) return s.failure();
    if (auto s = String(table_, "category", e.category); !s) return s.failure();
    if (auto s = String(table_, "organisation", e.organisation); !s) return s.failure();
    if (auto s = String(table_, "tagline", e.tagline); !s) return s.failure();
    if (auto s = String(table_, "summary", e.summary); !s) return s.failure();
    if (auto s = Strings(table_, "hf_ids", e.hf_ids); !s) return s.failure();
    if (auto s = String(table_, "github", e.github); !s) return s.failure();
    if (auto s = String(table_, "pipeline_tag", e.pipeline_tag); !s) return s.failure();
    if (auto s = Strings(table_, "topics", e.topics); !s) return s.failure();
    if (auto s = String(table_, "licence", e.licence); !s) return s.failure();

    if (const toml::node* node = table_.get("links")) {
      const toml::table* links = node->as_table();
      if (links == nullptr) return Problem(*node, "links must be a table");
      if (auto s = Keys(*links, kLinkKeys, "links"); !s) return s.failure();
      if (auto s = String(*links, "home", e.links.home); !s) return s.failure();
      if (auto s = String(*links, "docs", e.links.docs); !s) return s.failure();
      if (auto s = String(*links, "repo", e.links.repo); !s) return s.failure();
      if (auto s = String(*links, "hf", e.links.hf); !s) return s.failure();
    }
    if (const toml::node* node = table_.get("pricing")) {
      const toml::table* pricing = node->as_table();
      if (pricing == nullptr) return Problem(*node, "pricing must be a table");
      if (auto s = Keys(*pricing, kPricingKeys, "pricing"); !s) return s.failure();
      if (auto s = String(*pricing, "model", e.pricing.model); !s) return s.failure();
      if (auto s = String(*pricing, "entry", e.pricing.entry); !s) return s.failure();
    }
    if (const toml::node* node = table_.get("facts")) {
      const toml::array* facts = node->as_array();
      if (facts == nullptr) return Problem(*node, "facts must be an array of tables");
      for (const toml::node& item : *facts) {
        const toml::table* t = item.as_table();
        if (t == nullptr) return Problem(item, "each fact must be a table");
        if (auto s = Keys(*t, kFactKeys, "a fact"); !s) return s.failure();
        CatalogFact fact;
        if (auto s = String(*t, "field", fact.field); !s) return s.failure();
        if (auto s = String(*t, "value", fact.value); !s) return s.failure();
        if (auto s = String(*t, "source", fact.source); !s) return s.failure();
        if (auto s = String(*t, "checked", fact.checked); !s) return s.failure();
        if (auto problem = FactProblem(fact)) return Problem(item, *problem);
        e.facts.push_back(std::move(fact));
      }
    }
    if (auto problem = EntryProblem(e)) return Problem(table_, *problem);
    return e;
  }

 private:
  Failure Problem(const toml::node& at, std::string_view what) const {
    std::string who =
        id_.empty() ? std::string("entry without id") : fmt::format("entry \"{}\"", id_);
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}:{}: {}: {}", origin_, at.source().begin.line, who, what));
  }

  template <std::size_t N>
  Status Keys(const toml::table& t, const std::string_view (&allowed)[N], std::string_view what) {
    for (const auto& [key, node] : t) {
      if (!Contains(allowed, key.str())) {
        return Problem(node, fmt::format("{} has unknown key \"{}\" (expected one of {})", what,
                                         key.str(), JoinSet(allowed)));
      }
    }
    return Status::Ok();
  }

  Status String(const toml::table& t, std::string_view key, std::string& out) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return Status::Ok();
    auto v = node->value_exact<std::string>();
    if (!v) return Problem(*node, fmt::format("{} must be a string", key));
    out = *v;
    return Status::Ok();
  }

  Status Strings(const toml::table& t, std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return Status::Ok();
    const toml::array* array = node->as_array();
    if (array == nullptr) return Problem(*node, fmt::format("{} must be a list of strings", key));
    for (const toml::node& item : *array) {
      auto v = item.value_exact<std::string>();
      if (!v) return Problem(item, fmt::format("{} must be a list of strings", key));
      out.push_back(*v);
    }
    return Status::Ok();
  }

  const toml::table& table_;
  std::string_view origin_;
  std::string id_;
};

}  // namespace

bool IsCatalogKind(std::string_view kind) { return Contains(kCatalogKinds, kind); }
bool IsPricingModel(std::string_view model) { return Contains(kPricingModels, model); }

Status ValidateCatalogEntry(const CatalogEntry& entry) {
  std::optional<std::string> problem = EntryProblem(entry);
  for (std::size_t i = 0; !problem && i < entry.facts.size(); ++i) {
    problem = FactProblem(entry.facts[i]);
  }
  if (!problem) return Status::Ok();
  std::string who =
      entry.id.empty() ? std::string("entry without id") : fmt::format("entry \"{}\"", entry.id);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", who, *problem));
}

Status InMemoryCatalogOverlay::Add(const CatalogEntry& entry) {
  for (CatalogEntry& existing : entries_) {
    if (existing.id == entry.id) {
      existing = entry;
      return Status::Ok();
    }
  }
  entries_.push_back(entry);
  return Status::Ok();
}

Result<std::vector<CatalogEntry>> InMemoryCatalogOverlay::List() const { return entries_; }

Result<Catalog> Catalog::Parse(std::string_view toml_text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(origin));
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column,
                            e.description()));
  }
  for (const auto& [key, node] : root) {
    if (key.str() != "entries") {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}:{}: unknown top-level key \"{}\" (entries are [[entries]])",
                              origin, node.source().begin.line, key.str()));
    }
  }
  Catalog catalog;
  const toml::node* entries = root.get("entries");
  if (entries == nullptr) return catalog;
  const toml::array* array = entries->as_array();
  if (array == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}:{}: entries must be written as [[entries]] tables", origin,
                            entries->source().begin.line));
  }
  std::vector<std::uint32_t> lines;
  for (const toml::node& item : *array) {
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}:{}: entries must be written as [[entries]] tables", origin,
                              item.source().begin.line));
    }
    auto entry = EntryReader(*table, origin).Read();
    if (!entry) return entry.failure();
    std::uint32_t line = table->source().begin.line;
    if (const CatalogEntry* twin = catalog.FindById(entry->id)) {
      std::size_t index = static_cast<std::size_t>(twin - catalog.entries_.data());
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}:{}: entry \"{}\": the id is already used by the entry on line {}",
                              origin, line, entry->id, lines[index]));
    }
    catalog.entries_.push_back(std::move(*entry));
    lines.push_back(line);
  }
  return catalog;
}

Catalog Catalog::Embedded() {
  auto catalog = Parse(EmbeddedCatalogToml(), "catalog.toml");
  if (!catalog) throw Error("the built-in catalog does not parse: " + catalog.message());
  return std::move(*catalog);
}

Result<Catalog> Catalog::WithOverlay(Catalog base, const CatalogOverlay& overlay) {
  auto added = overlay.List();
  if (!added) {
    return Fail(added.code(), "reading catalog entries added at run time: " + added.message());
  }
  for (CatalogEntry& entry : *added) {
    if (base.FindById(entry.id) != nullptr) continue;
    entry.origin = CatalogOrigin::kOverlay;
    base.entries_.push_back(std::move(entry));
  }
  return base;
}

Status Catalog::Add(CatalogEntry entry, CatalogOverlay& overlay) {
  if (Status valid = ValidateCatalogEntry(entry); !valid) return valid;
  if (FindById(entry.id) != nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the catalog already has an entry \"{}\"", entry.id));
  }
  entry.origin = CatalogOrigin::kOverlay;
  if (Status stored = overlay.Add(entry); !stored) {
    return Fail(stored.code(),
                fmt::format("storing catalog entry \"{}\": {}", entry.id, stored.message()));
  }
  entries_.push_back(std::move(entry));
  return Status::Ok();
}

const CatalogEntry* Catalog::FindById(std::string_view id) const {
  for (const CatalogEntry& e : entries_) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

}  // namespace intern::config
