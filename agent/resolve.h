#pragma once
// Name resolution (DESIGN §2 step 3): what the operator typed -> one catalog entry, or the
// candidates to choose from, or "not in the catalog".
//
// Order: input hygiene; normalised name or alias (case, spaces, '-', '_', '.', "v" before a
// version number are ignored: "gemma-3n" = "Gemma 3n", "SmolVLM 2" = "smolvlm2"); a hub id or
// GitHub repo, bare or as a URL ("google/gemma-3n-E4B-it", "https://github.com/huggingface/
// smolagents"); then fuzzy matching (Damerau-Levenshtein on normalised names, and word
// containment) where one clear winner resolves and near ties are ambiguous.
//
// Thread safety: pure functions over a const Catalog.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/catalog.h"
#include "config/result.h"

namespace intern::agent {

enum class ResolutionKind {
  kExact,      // the entry's name or id
  kAlias,      // an alias, hub id or GitHub repo of the entry
  kFuzzy,      // a near miss with one clear winner
  kAmbiguous,  // several entries fit about equally: see candidates
  kUnknown,    // nothing in the catalog fits (candidates may hold distant suggestions)
  kRemote,     // not in the catalog; chosen from a hub/GitHub search (ResolveWithRemote)
};

const char* ResolutionKindName(ResolutionKind kind);

struct Candidate {
  config::CatalogEntry entry;
  double score = 0.0;      // 0..1, 1 = identical after normalisation
  std::string matched_on;  // the name, alias or id that scored best

  bool operator==(const Candidate&) const = default;
};

struct Resolution {
  ResolutionKind kind = ResolutionKind::kUnknown;
  std::optional<config::CatalogEntry> entry;  // set unless kAmbiguous or kUnknown
  std::vector<Candidate> candidates;          // best first
  std::string note;                           // one sentence for the operator
  bool looked_up = false;                     // entry/candidates came from the hub or GitHub

  bool resolved() const { return entry.has_value(); }
};

struct ResolveOptions {
  // 1-based choice among the candidates of an ambiguous answer (`--pick N`). Ignored when the
  // name resolves on its own (the note says so).
  std::optional<int> pick;
};

// "Gemma 3n" -> "gemma3n": lowercase ASCII letters and digits only, with a "v" that starts a
// version number dropped ("Axolotl v0.16" -> "axolotl016").
std::string NormaliseToolName(std::string_view name);

// Resolves `name` against `catalog`. Failure (kInvalidArgument) only for bad input, with the
// exact sentences:
//   "a tool name must not be empty"
//   "a tool name must be at most 200 characters (this one has N)"
//   "a tool name must not contain control characters"
//   "--pick N is out of range: there are M candidates"
Result<Resolution> Resolve(std::string_view name, const config::Catalog& catalog,
                           const ResolveOptions& options = {});

// One hit of a hub/GitHub search for a name the catalog does not know, with what the service
// said about it (all of it becomes the catalog entry; see EntryFromRemote).
struct RemoteMatch {
  std::string source;  // "hub" or "github"
  std::string id;      // "owner/name"
  std::string name;    // display name, if the service gave one
  std::string kind;    // a catalog kind guessed from the service ("model" for hub models)
  std::string url;
  std::string description;                 // GitHub's description; "" for hub models
  std::string licence;                     // SPDX id or the service's licence name; "" if none
  std::string homepage;                    // the project's own site, if the service names one
  std::string pipeline_tag;                // hub models: "image-text-to-text", ...
  std::string popularity;                  // for the operator: "1.2k stars", "3.4M downloads"
  std::vector<config::CatalogFact> facts;  // dated and sourced: stars, downloads, pushed_at, ...

  bool operator==(const RemoteMatch&) const = default;
};

// Searches the model hub and GitHub for a tool name (agent/resolve_remote.h implements it over
// the hub and GitHub clients; tests fake it). Failure: the look-up's own code (kConnection,
// kTimeout, kUnavailable when the services cannot be reached, kUnauthorized, ...) and sentence.
class RemoteResolver {
 public:
  virtual ~RemoteResolver() = default;
  // Best first; empty when nothing matched.
  virtual Result<std::vector<RemoteMatch>> Search(std::string_view name) = 0;
};

// The catalog entry a remote match stands for (origin kOverlay, category "Found by look-up"):
// id from the owner/name slug, the name the service gave (else the repo's name), organisation
// from the owner, tagline and summary from the description, licence, links, dated facts.
config::CatalogEntry EntryFromRemote(const RemoteMatch& match);

// "GitHub, 1.2k stars" / "Hugging Face Hub, 3.4M downloads": where a match came from.
std::string DescribeRemote(const RemoteMatch& match);

// Resolve, and for kUnknown ask `remote`. A match is exact when its display name, repo name or
// owner/name normalises to the name asked for. Then:
//   - one exact match, or a single match of any kind: kRemote, note
//     "Resolved \"foo\" to org/foo (GitHub, 1.2k stars)."
//   - otherwise kAmbiguous (candidates exact first, then in the resolver's order), note
//     "\"foo\" is not in the catalog and matches several tools on the hub and GitHub: 1. org/foo
//     (GitHub, 1.2k stars), 2. …; add --pick N to choose one" — unless `--pick N` chooses one
//     (note "Resolved \"foo\" to org/foo (GitHub, 1.2k stars; --pick 2 of 3 candidates).").
//   - no match: kUnknown, note "\"foo\" is not in the catalog, and the hub and GitHub had no
//     match either."
// Every Resolution built from the look-up has `looked_up` set. The entry is not stored: the
// caller decides when (compare stores it once the whole request is accepted). A remote failure is
// returned with its code and context ("looking up \"x\" on the hub and GitHub: ...").
Result<Resolution> ResolveWithRemote(std::string_view name, const config::Catalog& catalog,
                                     RemoteResolver& remote, const ResolveOptions& options = {});

}  // namespace intern::agent
