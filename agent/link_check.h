#pragma once
// Which links a submitted draft may carry (DESIGN §6 `subjects[].links`, rendered as links on the
// published page): only pages the research touched. A page the agent fetched can tell the model
// to add "Download: https://evil.example/..."; the link is refused unless its address is the
// source of a record in the session's evidence ledger or one of the subject's catalog links
// (home, docs, repository, model card, its GitHub repository and hub models). The review gate
// shows what is left; an operator's own edit is not checked (its links are the operator's).
//
// Addresses are compared by LinkKey: the fragment dropped, scheme and host lower-cased, one
// trailing '/' of the path dropped. Pure; no I/O.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/comparison.h"
#include "agent/comparison_validator.h"
#include "config/catalog.h"

namespace intern::agent {

// The comparison key of `url` (above); "" for text that is not an http(s) URL.
std::string LinkKey(std::string_view url);

class KnownLinks {
 public:
  // Accepts `url` (ignored unless it is an http(s) URL).
  void Add(std::string_view url);
  // Accepts every link of `entry`: links.{home,docs,repo,hf}, https://github.com/GITHUB and
  // https://huggingface.co/ID for each hub id.
  void AddCatalogEntry(const config::CatalogEntry& entry);
  bool Contains(std::string_view url) const;

 private:
  std::set<std::string> keys_;
};

// One error problem per link of either subject that `known` does not contain:
// "subjects[0].links[2]: https://x.example/y is not a page this session's research fetched nor a
// catalog link of Gemma 3n; link only sources from the ledger, or leave the link out".
std::vector<ValidationProblem> CheckLinks(const Comparison& comparison, const KnownLinks& known);

}  // namespace intern::agent
