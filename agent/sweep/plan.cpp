#include "agent/sweep/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace intern::agent {
namespace {

constexpr const char* kAgentTopics[] = {"agent", "agents", "ai-agent", "ai-agents",
                                        "coding-agent", "llm-agent", "autonomous-agents"};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Slug(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "tool" : out;
}

// The names a catalog entry answers to, normalised.
std::set<std::string> EntryKeys(const config::CatalogEntry& e) {
  std::set<std::string> keys = {NormalisedName(e.id), NormalisedName(e.name)};
  for (const std::string& a : e.aliases) keys.insert(NormalisedName(a));
  for (const std::string& h : e.hf_ids) keys.insert(NormalisedName(h));
  if (!e.github.empty()) keys.insert(NormalisedName(e.github));
  keys.erase("");
  return keys;
}

const config::CatalogEntry* FindKnown(const SweepCandidate& c,
                                      const std::vector<std::pair<const config::CatalogEntry*,
                                                                  std::set<std::string>>>& index) {
  const std::string full = NormalisedName(c.id);
  const std::string short_name = NormalisedName(c.name);
  for (const auto& [entry, keys] : index) {
    if (c.source == "github" && !entry->github.empty() && Lower(entry->github) == Lower(c.id)) {
      return entry;
    }
    if (keys.count(full) > 0 || keys.count(short_name) > 0) return entry;
  }
  return nullptr;
}

std::int64_t Popularity(const config::CatalogEntry& e) {
  std::int64_t best = 0;
  for (const config::CatalogFact& f : e.facts) {
    if (f.field != "stars" && f.field != "downloads" && f.field != "likes") continue;
    std::int64_t n = 0;
    for (char ch : f.value) {
      if (std::isdigit(static_cast<unsigned char>(ch))) {
        n = n * 10 + (ch - '0');
      } else if (ch != ',') {
        break;
      }
    }
    best = std::max(best, n);
  }
  return best;
}

int SharedTopics(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  int n = 0;
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (Lower(x) == Lower(y)) {
        ++n;
        break;
      }
    }
  }
  return n;
}

const config::CatalogEntry* BestIncumbent(const config::Catalog& catalog,
                                          const std::set<std::string>& excluded,
                                          const std::string& self_id,
                                          const std::string& pipeline_tag,
                                          const std::vector<std::string>& topics) {
  const config::CatalogEntry* best = nullptr;
  std::tuple<int, std::int64_t, int> best_rank{-1, -1, -1};
  for (const config::CatalogEntry& e : catalog.entries()) {
    if (e.id == self_id || excluded.count(e.id) > 0) continue;
    const int same_tag = !pipeline_tag.empty() && e.pipeline_tag == pipeline_tag ? 1 : 0;
    const int shared = SharedTopics(topics, e.topics);
    if (same_tag == 0 && shared == 0) continue;
    std::tuple<int, std::int64_t, int> rank{same_tag, Popularity(e), shared};
    if (rank > best_rank) {  // strict: ties keep the earlier entry (catalog order)
      best = &e;
      best_rank = rank;
    }
  }
  return best;
}

bool IsAgentRepo(const SweepCandidate& c) {
  for (const std::string& t : c.topics) {
    for (const char* a : kAgentTopics) {
      if (Lower(t) == a) return true;
    }
  }
  return false;
}

std::string FreeId(const SweepCandidate& c, const config::Catalog& catalog,
                   const std::set<std::string>& taken) {
  auto used = [&](const std::string& id) {
    return catalog.FindById(id) != nullptr || taken.count(id) > 0;
  };
  std::string id = Slug(c.name);
  if (!used(id)) return id;
  id = Slug(c.organisation + "-" + c.name);
  for (int n = 2; used(id); ++n) id = fmt::format("{}-{}", Slug(c.organisation + "-" + c.name), n);
  return id;
}

}  // namespace

const char* PairStatusName(PairStatus status) {
  switch (status) {
    case PairStatus::kQueue: return "queue";
    case PairStatus::kRecent: return "recent";
    case PairStatus::kAlreadyQueued: return "already_queued";
  }
  return "queue";
}

std::string NormalisedName(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string PairKey(const std::string& a, const std::string& b) {
  return a < b ? fmt::format("compare:{}|{}", a, b) : fmt::format("compare:{}|{}", b, a);
}

config::CatalogEntry EntryForCandidate(const SweepCandidate& c, const std::string& id,
                                       const std::string& category, const std::string& checked) {
  config::CatalogEntry e;
  e.id = id;
  e.name = c.name;
  e.aliases = {c.id};
  e.kind = c.source == "hub" ? "model" : (IsAgentRepo(c) ? "agent" : "library");
  e.category = category;
  e.organisation = c.organisation;
  e.origin = config::CatalogOrigin::kOverlay;
  auto fact = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) e.facts.push_back({field, value, c.url, checked});
  };
  if (c.source == "github") {
    e.github = c.id;
    e.links.repo = c.url;
    e.topics = c.topics;
    fact("stars", std::to_string(c.stars));
    fact("description", c.description);
    fact("language", c.language);
    fact("topics", fmt::format("{}", fmt::join(c.topics, ", ")));
  } else {
    e.hf_ids = {c.id};
    e.links.hf = c.url;
    e.pipeline_tag = c.pipeline_tag;
    fact("downloads", fmt::format("{} in the last 30 days", c.downloads));
    fact("likes", std::to_string(c.likes));
    fact("pipeline_tag", c.pipeline_tag);
    fact("library", c.language);
  }
  e.licence = c.licence;
  fact("licence", c.licence);
  fact("created", c.created_at);
  return e;
}

SweepPlan PlanSweep(const Discovery& discovery, const PlanInputs& in) {
  SweepPlan plan;
  std::vector<std::pair<const config::CatalogEntry*, std::set<std::string>>> index;
  for (const config::CatalogEntry& e : in.catalog->entries()) index.emplace_back(&e, EntryKeys(e));

  // Alternate the two sources so neither crowds the other out of the limit.
  std::vector<const SweepCandidate*> order;
  for (std::size_t i = 0; i < std::max(discovery.github.size(), discovery.hub.size()); ++i) {
    if (i < discovery.github.size()) order.push_back(&discovery.github[i]);
    if (i < discovery.hub.size()) order.push_back(&discovery.hub[i]);
  }

  std::set<std::string> taken_ids;
  std::set<std::string> seen;
  std::vector<PlannedTool> earlier;
  const std::string checked = UtcDate(in.now);
  const auto refresh_from = in.now - std::chrono::hours(24) * in.refresh_days;
  for (const SweepCandidate* c : order) {
    if (!seen.insert(c->source + ":" + Lower(c->id)).second) continue;
    PlannedTool tool;
    tool.candidate = *c;
    if (const config::CatalogEntry* known = FindKnown(*c, index)) {
      if (in.sweep_added_ids.count(known->id) == 0) {
        plan.known.push_back(c->id);
        continue;
      }
      if (std::any_of(earlier.begin(), earlier.end(),
                      [&](const PlannedTool& t) { return t.entry.id == known->id; })) {
        continue;
      }
      tool.entry = *known;
      tool.from_earlier_sweep = true;
    } else {
      const int new_count = static_cast<int>(plan.tools.size());
      if (new_count >= in.limit) {
        plan.over_limit.push_back(c->id);
        continue;
      }
      tool.entry.id = FreeId(*c, *in.catalog, taken_ids);
      taken_ids.insert(tool.entry.id);
    }
    const std::string& pipeline =
        tool.from_earlier_sweep ? tool.entry.pipeline_tag : c->pipeline_tag;
    const std::vector<std::string>& topics = tool.from_earlier_sweep ? tool.entry.topics : c->topics;
    const config::CatalogEntry* incumbent =
        BestIncumbent(*in.catalog, in.sweep_added_ids, tool.entry.id, pipeline, topics);
    if (!tool.from_earlier_sweep) {
      std::string category = incumbent != nullptr ? incumbent->category
                             : c->source == "hub"
                                 ? (c->pipeline_tag.empty() ? "Models" : c->pipeline_tag)
                                 : "New on GitHub";
      tool.entry = EntryForCandidate(*c, tool.entry.id, category, checked);
    }
    if (incumbent != nullptr) {
      SweepPair pair;
      pair.newcomer = tool.entry.id;
      pair.incumbent = incumbent->id;
      pair.newcomer_name = tool.entry.name;
      pair.incumbent_name = incumbent->name;
      pair.dedup_key = PairKey(pair.newcomer, pair.incumbent);
      const std::set<std::string> names = {NormalisedName(pair.newcomer_name),
                                           NormalisedName(pair.incumbent_name)};
      for (const PastComparison& p : in.past) {
        if (p.at >= refresh_from &&
            names == std::set<std::string>{NormalisedName(p.name_a), NormalisedName(p.name_b)}) {
          pair.status = PairStatus::kRecent;
        }
      }
      if (in.recent_keys.count(pair.dedup_key) > 0) pair.status = PairStatus::kRecent;
      if (pair.status == PairStatus::kQueue && in.unfinished_keys.count(pair.dedup_key) > 0) {
        pair.status = PairStatus::kAlreadyQueued;
      }
      tool.pair = pair;
    }
    if (tool.from_earlier_sweep) {
      earlier.push_back(std::move(tool));
    } else {
      plan.tools.push_back(std::move(tool));
    }
  }
  for (PlannedTool& t : earlier) plan.tools.push_back(std::move(t));
  return plan;
}

}  // namespace intern::agent
