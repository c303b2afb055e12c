// ResolvePair (agent/compare_workflow.h): the sentences an operator sees when a name does not
// resolve to exactly one tool.
#include <fmt/format.h>

#include "agent/compare_workflow.h"
#include "config/error.h"

namespace intern::agent {
namespace {

bool Unreachable(ErrorCode code) {
  return code == ErrorCode::kConnection || code == ErrorCode::kTimeout ||
         code == ErrorCode::kUnavailable;
}

std::string Closest(const Resolution& res) {
  std::vector<std::string> close;
  for (const auto& c : res.candidates) close.push_back(c.entry.name);
  return close.empty() ? "" : fmt::format(" (closest: {})", fmt::join(close, ", "));
}

// The catalog's distant suggestions for a name, for the sentences that have no resolution.
std::string ClosestInCatalog(const std::string& name, const config::Catalog& catalog) {
  Result<Resolution> local = Resolve(name, catalog);
  return local.ok() ? Closest(local.value()) : "";
}

// Resolves one name into `out`; notes what the operator should be told; remembers a look-up.
void ResolveOne(const std::string& name, const config::Catalog& catalog, RemoteResolver* remote,
                std::optional<int> pick, ResolvedPair& pair, config::CatalogEntry& out) {
  const ResolveOptions options{pick};
  Result<Resolution> r = remote != nullptr ? ResolveWithRemote(name, catalog, *remote, options)
                                           : Resolve(name, catalog, options);
  if (!r.ok()) {
    if (r.code() == ErrorCode::kInvalidArgument) throw UsageError(r.message());
    // Only the look-up fails otherwise: say which way, and what to do about it.
    const std::string quoted = fmt::format("\"{}\"", name);
    if (Unreachable(r.code())) {
      throw Error(fmt::format(
          "{} is not in the catalog, and neither the Hugging Face Hub nor GitHub could be "
          "reached to look it up{}; add it with `intern catalog add` or check the network",
          quoted, ClosestInCatalog(name, catalog)));
    }
    const std::string prefix = fmt::format("looking up {} on the hub and GitHub: ", quoted);
    std::string why = r.message();
    if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
    throw Error(fmt::format(
        "{} is not in the catalog, and looking it up failed: {}; or add it with `intern catalog "
        "add`",
        quoted, why));
  }
  const Resolution& res = r.value();
  if (res.kind == ResolutionKind::kAmbiguous) {
    if (res.looked_up) throw UsageError(res.note);
    std::vector<std::string> listed;
    for (std::size_t i = 0; i < res.candidates.size(); ++i) {
      listed.push_back(fmt::format("{}. {}", i + 1, res.candidates[i].entry.name));
    }
    throw UsageError(
        fmt::format("\"{}\" matches several tools in the catalog: {}; add --pick N "
                    "to choose one",
                    name, fmt::join(listed, ", ")));
  }
  if (!res.resolved()) {
    if (remote != nullptr) {
      throw Error(fmt::format(
          "\"{}\" is not in the catalog, and neither the Hugging Face Hub nor GitHub has a "
          "match{}; add it with `intern catalog add` or check the spelling",
          name, Closest(res)));
    }
    throw Error(fmt::format(
        "\"{}\" is not in the catalog, and intern cannot look it up without the network{}; add "
        "it with `intern catalog add` or check the spelling",
        name, Closest(res)));
  }
  out = *res.entry;
  if (res.kind == ResolutionKind::kRemote) {
    if (Status valid = config::ValidateCatalogEntry(out); !valid) {
      throw Error(fmt::format("the look-up of \"{}\" gave an entry intern cannot use: {}", name,
                              valid.message()));
    }
    pair.looked_up.push_back(out);
  }
  if (res.kind != ResolutionKind::kExact && !res.note.empty()) pair.notes.push_back(res.note);
}

}  // namespace

ResolvedPair ResolvePair(const CompareRequest& request, const config::Catalog& catalog,
                         RemoteResolver* remote) {
  ResolvedPair pair;
  ResolveOne(request.name_a, catalog, remote, request.pick, pair, pair.a);
  ResolveOne(request.name_b, catalog, remote, request.pick, pair, pair.b);
  if (pair.a.id == pair.b.id) {
    throw UsageError(
        fmt::format("\"{}\" and \"{}\" are the same tool ({}); compare two different "
                    "tools",
                    request.name_a, request.name_b, pair.a.name));
  }
  return pair;
}

}  // namespace intern::agent
