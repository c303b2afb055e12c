#include "agent/resolve.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace intern::agent {
namespace {

using config::Catalog;
using config::CatalogEntry;

// A fuzzy score at or above this resolves (when it is a clear winner).
constexpr double kAccept = 0.75;
// Another entry within this much of the best makes the answer ambiguous.
constexpr double kTieMargin = 0.08;
// Unknown names list entries at or above this as suggestions.
constexpr double kSuggest = 0.5;
constexpr std::size_t kMaxSuggestions = 5;
constexpr std::size_t kMaxNameLength = 200;

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string LowerString(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

// Words of a name: runs of letters or of digits, lowercase, with a "v" that starts a version
// ("v0.16", "V2") dropped. "SmolVLM 2" -> {smolvlm, 2}; "gemma-3n" -> {gemma, 3, n}.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  bool current_digits = false;
  auto flush = [&] {
    if (!current.empty()) words.push_back(current);
    current.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsAlnum(c)) {
      flush();
      continue;
    }
    bool starts_chunk = i == 0 || !IsAlnum(name[i - 1]);
    if (starts_chunk && (c == 'v' || c == 'V') && i + 1 < name.size() && IsDigit(name[i + 1])) {
      continue;
    }
    bool digit = IsDigit(c);
    if (!current.empty() && digit != current_digits) flush();
    current_digits = digit;
    current.push_back(Lower(c));
  }
  flush();
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += w;
  return out;
}

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
// transpositions ("smolvml2" is one edit from "smolvlm2").
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool AllWordsIn(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  std::vector<std::string> rest = whole;
  for (const std::string& w : part) {
    auto it = std::find(rest.begin(), rest.end(), w);
    if (it == rest.end()) return false;
    rest.erase(it);
  }
  return true;
}

// How well the query fits one name of an entry, 0..1.
double Similarity(const std::vector<std::string>& query_words, const std::string& query,
                  const std::vector<std::string>& key_words, const std::string& key) {
  if (query.empty() || key.empty()) return 0.0;
  std::size_t longest = std::max(query.size(), key.size());
  double edit = 1.0 - static_cast<double>(EditDistance(query, key)) / static_cast<double>(longest);
  // Every word of the shorter inside the longer ("Gemma 3" in "Gemma 3 27B", "Axolotl" in
  // "Axolotl v0.16"): a strong hint, stronger the more of the longer it covers.
  double contained = 0.0;
  std::size_t shortest = std::min(query.size(), key.size());
  if (shortest >= 3) {
    bool query_in_key = query_words.size() < key_words.size() && AllWordsIn(query_words, key_words);
    bool key_in_query = key_words.size() < query_words.size() && AllWordsIn(key_words, query_words);
    if (query_in_key || key_in_query) {
      contained = 0.7 + 0.3 * static_cast<double>(shortest) / static_cast<double>(longest);
    }
  }
  return std::max(edit, contained);
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Status CheckName(std::string_view trimmed) {
  if (trimmed.empty()) return Fail(ErrorCode::kInvalidArgument, "a tool name must not be empty");
  if (std::any_of(trimmed.begin(), trimmed.end(), [](char c) {
        unsigned char u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      })) {
    return Fail(ErrorCode::kInvalidArgument, "a tool name must not contain control characters");
  }
  std::size_t length = CodePoints(trimmed);
  if (length > kMaxNameLength) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a tool name must be at most {} characters (this one has {})",
                            kMaxNameLength, length));
  }
  return Status::Ok();
}

// What an identifier-shaped input names: a GitHub repo, a hub repo, either (bare owner/name),
// or a web page (any other URL, compared with the entries' home and docs links).
struct Identifier {
  std::string github;  // lowercase owner/name, or ""
  std::string hub;     // lowercase owner/name, or ""
  std::string page;    // lowercase URL without scheme, "www." and trailing '/', or ""
};

std::string PageKey(std::string_view url) {
  std::string s = LowerString(url);
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.starts_with(scheme)) s.erase(0, scheme.size());
  }
  if (s.starts_with("www.")) s.erase(0, 4);
  std::size_t cut = s.find_first_of("?#");
  if (cut != std::string::npos) s.erase(cut);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::optional<Identifier> ParseIdentifier(std::string_view input) {
  std::string lower = LowerString(input);
  bool url = lower.starts_with("http://") || lower.starts_with("https://");
  if (!url && (lower.starts_with("github.com/") || lower.starts_with("huggingface.co/") ||
               lower.starts_with("hf.co/"))) {
    url = true;
  }
  if (url) {
    std::string key = PageKey(lower);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= key.size()) {
      std::size_t slash = key.find('/', start);
      if (slash == std::string::npos) slash = key.size();
      if (slash > start) parts.push_back(key.substr(start, slash - start));
      start = slash + 1;
    }
    Identifier id;
    id.page = key;
    if (parts.empty()) return id;
    std::string host = parts[0];
    std::size_t first = 1;
    if ((host == "huggingface.co" || host == "hf.co") && parts.size() > 1 &&
        (parts[1] == "datasets" || parts[1] == "spaces")) {
      first = 2;
    }
    if (parts.size() >= first + 2) {
      std::string name = parts[first + 1];
      if (name.ends_with(".git")) name.erase(name.size() - 4);
      std::string owner_name = parts[first] + "/" + name;
      if (host == "github.com") id.github = owner_name;
      if (host == "huggingface.co" || host == "hf.co") id.hub = owner_name;
    }
    return id;
  }
  std::size_t slash = lower.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == lower.size() ||
      lower.find('/', slash + 1) != std::string::npos || lower.find(' ') != std::string::npos) {
    return std::nullopt;
  }
  return Identifier{lower, lower, ""};
}

struct Scored {
  const CatalogEntry* entry;
  double score;
  std::string matched_on;
};

Candidate ToCandidate(const Scored& s) { return Candidate{*s.entry, s.score, s.matched_on}; }

std::string Quote(std::string_view s) { return fmt::format("\"{}\"", s); }

std::string NameList(const std::vector<Candidate>& candidates) {
  std::string out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{}. {}", i + 1, candidates[i].entry.name);
  }
  return out;
}

Resolution Resolved(ResolutionKind kind, const CatalogEntry& entry, std::string note) {
  Resolution r;
  r.kind = kind;
  r.entry = entry;
  r.candidates.push_back(Candidate{entry, 1.0, entry.name});
  r.note = std::move(note);
  return r;
}

// Exact name/id, then alias. Several different entries with the same normalised name are a
// catalog defect, but the operator still gets a choice rather than a silent pick.
std::optional<Resolution> MatchExact(const std::string& input, const std::string& key,
                                     const Catalog& catalog) {
  std::vector<Scored> named, aliased;
  for (const CatalogEntry& e : catalog.entries()) {
    if (NormaliseToolName(e.name) == key || NormaliseToolName(e.id) == key) {
      named.push_back({&e, 1.0, e.name});
      continue;
    }
    for (const std::string& alias : e.aliases) {
      if (NormaliseToolName(alias) == key) {
        aliased.push_back({&e, 1.0, alias});
        break;
      }
    }
  }
  const std::vector<Scored>& hits = !named.empty() ? named : aliased;
  if (hits.empty()) return std::nullopt;
  if (hits.size() == 1) {
    const Scored& hit = hits.front();
    if (&hits == &named) {
      return Resolved(ResolutionKind::kExact, *hit.entry,
                      fmt::format("{} is {} (catalog entry {}).", Quote(input), hit.entry->name,
                                  hit.entry->id));
    }
    return Resolved(ResolutionKind::kAlias, *hit.entry,
                    fmt::format("{} is {}: matched its alias {}.", Quote(input), hit.entry->name,
                                Quote(hit.matched_on)));
  }
  Resolution r;
  r.kind = ResolutionKind::kAmbiguous;
  for (const Scored& s : hits) r.candidates.push_back(ToCandidate(s));
  return r;
}

std::optional<Resolution> MatchIdentifier(const std::string& input, const Identifier& id,
                                          const Catalog& catalog) {
  for (const CatalogEntry& e : catalog.entries()) {
    std::string github = LowerString(e.github);
    if (!id.github.empty() && !github.empty() && id.github == github) {
      return Resolved(
          ResolutionKind::kAlias, e,
          fmt::format("{} is {}: matched its GitHub repo {}.", Quote(input), e.name, e.github));
    }
    if (!id.hub.empty()) {
      for (const std::string& hf : e.hf_ids) {
        if (LowerString(hf) == id.hub) {
          return Resolved(
              ResolutionKind::kAlias, e,
              fmt::format("{} is {}: matched its hub id {}.", Quote(input), e.name, hf));
        }
      }
    }
    if (!id.page.empty()) {
      for (const std::string* link : {&e.links.home, &e.links.docs, &e.links.repo, &e.links.hf}) {
        if (!link->empty() && PageKey(*link) == id.page) {
          return Resolved(
              ResolutionKind::kAlias, e,
              fmt::format("{} is {}: matched its link {}.", Quote(input), e.name, *link));
        }
      }
    }
  }
  return std::nullopt;
}

std::vector<Scored> ScoreAll(const std::string& query_text, const Catalog& catalog) {
  std::vector<std::string> query_words = Words(query_text);
  std::string query = Join(query_words);
  std::vector<Scored> scored;
  for (const CatalogEntry& e : catalog.entries()) {
    std::vector<std::string> keys = {e.name, e.id};
    keys.insert(keys.end(), e.aliases.begin(), e.aliases.end());
    for (const std::string& hf : e.hf_ids) keys.push_back(hf.substr(hf.find('/') + 1));
    if (!e.github.empty()) keys.push_back(e.github.substr(e.github.find('/') + 1));
    Scored best{&e, 0.0, ""};
    for (const std::string& k : keys) {
      std::vector<std::string> key_words = Words(k);
      double s = Similarity(query_words, query, key_words, Join(key_words));
      if (s > best.score) best = {&e, s, k};
    }
    if (best.score > 0.0) scored.push_back(best);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });
  return scored;
}

Resolution MatchFuzzy(const std::string& input, const std::string& query_text,
                      const Catalog& catalog) {
  std::vector<Scored> scored = ScoreAll(query_text, catalog);
  Resolution r;
  if (scored.empty() || scored.front().score < kAccept) {
    r.kind = ResolutionKind::kUnknown;
    for (const Scored& s : scored) {
      if (s.score < kSuggest || r.candidates.size() == kMaxSuggestions) break;
      r.candidates.push_back(ToCandidate(s));
    }
    r.note = fmt::format("{} is not in the catalog.", Quote(input));
    if (!r.candidates.empty()) {
      r.note.pop_back();
      r.note += fmt::format("; the nearest entries are {}.", NameList(r.candidates));
    }
    return r;
  }
  double best = scored.front().score;
  for (const Scored& s : scored) {
    if (s.score < best - kTieMargin) break;
    r.candidates.push_back(ToCandidate(s));
  }
  if (r.candidates.size() > 1) {
    r.kind = ResolutionKind::kAmbiguous;
    return r;
  }
  for (std::size_t i = 1; i < scored.size() && r.candidates.size() < kMaxSuggestions; ++i) {
    if (scored[i].score < kSuggest) break;
    r.candidates.push_back(ToCandidate(scored[i]));
  }
  const Scored& winner = scored.front();
  r.kind = ResolutionKind::kFuzzy;
  r.entry = *winner.entry;
  r.note = fmt::format(
      "{} is not a catalog name; chose the closest match, {} (matched {}, score {:.2f}).",
      Quote(input), winner.entry->name, Quote(winner.matched_on), winner.score);
  return r;
}

std::string AmbiguousNote(const std::string& input, const std::vector<Candidate>& candidates) {
  return fmt::format("{} fits {} catalog entries about equally: {}; choose one with --pick N.",
                     Quote(input), candidates.size(), NameList(candidates));
}

Status ApplyPick(const std::string& input, const ResolveOptions& options, Resolution& r) {
  if (!options.pick) return Status::Ok();
  int pick = *options.pick;
  if (r.kind != ResolutionKind::kAmbiguous) {
    if (r.resolved()) r.note += fmt::format(" (--pick {} was not needed.)", pick);
    return Status::Ok();
  }
  if (pick < 1 || static_cast<std::size_t>(pick) > r.candidates.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--pick {} is out of range: there are {} candidates", pick,
                            r.candidates.size()));
  }
  const Candidate& chosen = r.candidates[static_cast<std::size_t>(pick) - 1];
  r.kind = ResolutionKind::kFuzzy;
  r.entry = chosen.entry;
  r.note = fmt::format("{} fits {} catalog entries; --pick {} chose {}.", Quote(input),
                       r.candidates.size(), pick, chosen.entry.name);
  return Status::Ok();
}

std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (IsAlnum(c)) {
      out.push_back(Lower(c));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

const char* ResolutionKindName(ResolutionKind kind) {
  switch (kind) {
    case ResolutionKind::kExact:
      return "exact";
    case ResolutionKind::kAlias:
      return "alias";
    case ResolutionKind::kFuzzy:
      return "fuzzy";
    case ResolutionKind::kAmbiguous:
      return "ambiguous";
    case ResolutionKind::kUnknown:
      return "unknown";
    case ResolutionKind::kRemote:
      return "remote";
  }
  return "unknown";
}

std::string NormaliseToolName(std::string_view name) { return Join(Words(name)); }

Result<Resolution> Resolve(std::string_view name, const Catalog& catalog,
                           const ResolveOptions& options) {
  std::string input = Trim(name);
  if (Status ok = CheckName(input); !ok) return ok.failure();

  Resolution r;
  std::optional<Identifier> id = ParseIdentifier(input);
  std::optional<Resolution> hit;
  if (id) hit = MatchIdentifier(input, *id, catalog);
  if (!hit) hit = MatchExact(input, NormaliseToolName(input), catalog);
  if (hit) {
    r = std::move(*hit);
  } else {
    // An owner/name or URL the catalog does not list: match on the repo's name part.
    std::string query = input;
    if (id && (!id->github.empty() || !id->hub.empty())) {
      std::string owner_name = !id->github.empty() ? id->github : id->hub;
      query = owner_name.substr(owner_name.find('/') + 1);
    }
    r = MatchFuzzy(input, query, catalog);
  }
  if (r.kind == ResolutionKind::kAmbiguous) r.note = AmbiguousNote(input, r.candidates);
  if (Status picked = ApplyPick(input, options, r); !picked) return picked.failure();
  return r;
}

CatalogEntry EntryFromRemote(const RemoteMatch& m) {
  CatalogEntry e;
  e.id = Slug(m.id);
  const std::size_t slash = m.id.find('/');
  const std::string short_name = slash == std::string::npos ? m.id : m.id.substr(slash + 1);
  e.name = m.name.empty() ? short_name : m.name;
  e.kind = !m.kind.empty() ? m.kind : (m.source == "hub" ? "model" : "library");
  e.category = "Found by look-up";
  if (slash != std::string::npos) e.organisation = m.id.substr(0, slash);
  e.tagline = m.description;
  e.summary = m.description;
  e.licence = m.licence;
  e.links.home = m.homepage;
  e.pipeline_tag = m.pipeline_tag;
  if (m.source == "hub") {
    e.hf_ids.push_back(m.id);
    e.links.hf = m.url;
  } else {
    e.github = m.id;
    e.links.repo = m.url;
  }
  // The owner/name as typed resolves to this entry next time, whatever its display name.
  if (e.name != m.id) e.aliases.push_back(m.id);
  e.facts = m.facts;
  e.origin = config::CatalogOrigin::kOverlay;
  return e;
}

std::string DescribeRemote(const RemoteMatch& m) {
  const char* where = m.source == "hub" ? "Hugging Face Hub" : "GitHub";
  return m.popularity.empty() ? std::string(where) : fmt::format("{}, {}", where, m.popularity);
}

Result<Resolution> ResolveWithRemote(std::string_view name, const Catalog& catalog,
                                     RemoteResolver& remote, const ResolveOptions& options) {
  auto local = Resolve(name, catalog, options);
  if (!local || local->kind != ResolutionKind::kUnknown) return local;
  std::string input = Trim(name);
  auto found = remote.Search(input);
  if (!found) {
    return Fail(found.code(), fmt::format("looking up {} on the hub and GitHub: {}", Quote(input),
                                          found.message()));
  }
  Resolution r;
  r.looked_up = true;
  if (found->empty()) {
    r.kind = ResolutionKind::kUnknown;
    r.candidates = local->candidates;
    r.looked_up = false;  // the candidates, if any, are the catalog's distant suggestions
    r.note = fmt::format("{} is not in the catalog, and the hub and GitHub had no match either.",
                         Quote(input));
    return r;
  }
  // Exact matches first, each group in the resolver's order.
  const std::string wanted = NormaliseToolName(input);
  auto exact = [&wanted](const RemoteMatch& m) {
    const std::size_t slash = m.id.find('/');
    const std::string short_name = slash == std::string::npos ? m.id : m.id.substr(slash + 1);
    return NormaliseToolName(short_name) == wanted || NormaliseToolName(m.id) == wanted ||
           (!m.name.empty() && NormaliseToolName(m.name) == wanted);
  };
  std::vector<RemoteMatch> ordered = *found;
  std::stable_partition(ordered.begin(), ordered.end(), exact);
  const auto exact_count = static_cast<std::size_t>(
      std::count_if(ordered.begin(), ordered.end(), exact));
  for (const RemoteMatch& m : ordered) {
    r.candidates.push_back(Candidate{EntryFromRemote(m), exact(m) ? 1.0 : 0.0, m.id});
  }
  auto choose = [&](std::size_t index, const std::string& how) {
    const RemoteMatch& m = ordered[index];
    r.kind = ResolutionKind::kRemote;
    r.entry = r.candidates[index].entry;
    r.note = fmt::format("Resolved {} to {} ({}{}).", Quote(input), m.id, DescribeRemote(m), how);
  };
  if (exact_count == 1 || ordered.size() == 1) {
    choose(0, "");
    return r;
  }
  if (options.pick) {
    const int pick = *options.pick;
    if (pick < 1 || static_cast<std::size_t>(pick) > ordered.size()) {
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("--pick {} is out of range: there are {} candidates", pick, ordered.size()));
    }
    choose(static_cast<std::size_t>(pick) - 1,
           fmt::format("; --pick {} of {} candidates", pick, ordered.size()));
    return r;
  }
  std::vector<std::string> listed;
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    listed.push_back(fmt::format("{}. {} ({})", i + 1, ordered[i].id, DescribeRemote(ordered[i])));
  }
  r.kind = ResolutionKind::kAmbiguous;
  r.note = fmt::format(
      "{} is not in the catalog and matches several tools on the hub and GitHub: {}; add --pick N "
      "to choose one",
      Quote(input), fmt::join(listed, ", "));
  return r;
}

}  // namespace intern::agent
