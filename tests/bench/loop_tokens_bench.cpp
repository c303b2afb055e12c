// Prompt tokens of a research session (issue #3 benchmark): one scripted 40-iteration session
// through the real anthropic provider (non-streamed) over loopback HTTP to a fake Messages API,
// with the real store, the real read_evidence, and fetch_doc pages of PAGE_CHARS characters (over
// tools.max_result_chars, so each is stored whole and the model gets a head and a handle; the
// context grows past compaction.trigger_ratio of the 200K window, so the loop compacts).
//
// The fake answers from the conversation: turn N (named by "[turn N]" in its last answer) fetches
// page N, and every fifth turn also reads on through the previous page's handle; the cap's final
// turn submits the draft; a request without tools (the summariser) gets a research summary.
//
// Token counts: every request is cut into the blocks the prompt cache sees (each tool, each
// system block, each message content block, in that order, cache_control markers removed) and a
// block counts ceil(chars of its JSON / 4) tokens. The same count is applied to the counterfactual
// request of each step — the whole uncompacted transcript so far with every tool result in full
// (what a loop without compaction or evidence handles would send; read_evidence results are left
// empty there, since such a loop would not need them) — so the ratio compares like with like.
//
// The prompt cache follows the Messages API's documented rule: a request writes a cache entry for
// the prefix up to each block marked cache_control (prefixes under the model's minimum cacheable
// length are not cached); a later request reads the longest cached prefix that ends at one of its
// block boundaries at most 20 blocks before one of its own breakpoints and matches it exactly.
// Reported usage: cache_read_input_tokens = that prefix, cache_creation_input_tokens = from there
// to the last breakpoint, input_tokens = the rest. Entries do not expire (the run takes seconds).
//
// Usage: loop_tokens_bench [PAGE_CHARS]   (default 40000)

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/approval.h"
#include "agent/compare_workflow.h"
#include "agent/loop.h"
#include "agent/loop_context.h"
#include "agent/models.h"
#include "agent/providers/anthropic_wire.h"
#include "config/config.h"
#include "sessions/store.h"
#include "tests/bench/loop_support.h"
#include "tests/support/fake_http_server.h"
#include "tools/read_evidence_tool.h"

namespace intern::bench {
namespace {

using nlohmann::json;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

constexpr int kIterations = 40;
constexpr const char* kModel = "claude-haiku-4-5";
// Anthropic's minimum cacheable prompt length for Claude Haiku 4.5 (prompt-caching docs).
constexpr std::int64_t kMinCacheable = 4096;
constexpr int kLookback = 20;

std::int64_t Tokens(const std::string& key) {
  return static_cast<std::int64_t>((key.size() + 3) / 4);
}

// The request as the cache sees it: one key per block, and which blocks carry a breakpoint.
struct Blocks {
  std::vector<std::string> keys;
  std::vector<bool> breakpoint;

  void Add(const std::string& prefix, json block) {
    bool marked = block.is_object() && block.contains("cache_control");
    if (marked) block.erase("cache_control");
    keys.push_back(prefix + block.dump());
    breakpoint.push_back(marked);
  }
};

Blocks Cut(const json& body) {
  Blocks b;
  for (const auto& tool : body.value("tools", json::array())) b.Add("tool:", tool);
  if (body.contains("system")) {
    const json& system = body["system"];
    if (system.is_array()) {
      for (const auto& block : system) b.Add("system:", block);
    } else {
      b.Add("system:", system);
    }
  }
  for (const auto& m : body.value("messages", json::array())) {
    const std::string role = m.value("role", "") + ":";
    if (m["content"].is_array()) {
      for (const auto& block : m["content"]) b.Add(role, block);
    } else {
      b.Add(role, m["content"]);
    }
  }
  return b;
}

std::int64_t CountTokens(const json& body) {
  std::int64_t n = 0;
  for (const auto& key : Cut(body).keys) n += Tokens(key);
  return n;
}

struct Served {
  bool summariser = false;
  std::int64_t prompt = 0;  // input + cache_read + cache_write
  std::int64_t input = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t tools_and_system = 0;
};

class CachingFakeAnthropic {
 public:
  CachingFakeAnthropic() {
    server_.On("POST", "/v1/messages", [this](const RecordedRequest& r) {
      std::lock_guard lock(mu_);
      return Answer(json::parse(r.body));
    });
  }
  std::string url() const { return server_.url(); }
  std::vector<Served> served() const {
    std::lock_guard lock(mu_);
    return served_;
  }

 private:
  FakeResponse Answer(const json& body) {
    const Blocks blocks = Cut(body);
    std::vector<std::uint64_t> hash(blocks.keys.size());
    std::vector<std::int64_t> tokens(blocks.keys.size());
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the keys, 0-separated
    std::int64_t t = 0;
    for (std::size_t i = 0; i < blocks.keys.size(); ++i) {
      for (unsigned char c : blocks.keys[i]) h = (h ^ c) * 1099511628211ull;
      h = (h ^ 0u) * 1099511628211ull;
      t += Tokens(blocks.keys[i]);
      hash[i] = h;
      tokens[i] = t;
    }
    std::int64_t read = 0;
    std::optional<std::size_t> last_breakpoint;
    for (std::size_t b = 0; b < blocks.keys.size(); ++b) {
      if (!blocks.breakpoint[b]) continue;
      last_breakpoint = b;
      const std::size_t lowest = b >= kLookback - 1 ? b - (kLookback - 1) : 0;
      for (std::size_t j = b + 1; j-- > lowest;) {
        if (cache_.count(hash[j]) != 0) {
          read = std::max(read, tokens[j]);
          break;
        }
      }
    }
    std::int64_t write = 0;
    for (std::size_t b = 0; b < blocks.keys.size(); ++b) {
      if (blocks.breakpoint[b] && tokens[b] >= kMinCacheable) cache_.emplace(hash[b], tokens[b]);
    }
    if (last_breakpoint && tokens[*last_breakpoint] >= kMinCacheable) {
      write = std::max<std::int64_t>(0, tokens[*last_breakpoint] - read);
    }
    Served s;
    s.prompt = t;
    s.cache_read = read;
    s.cache_write = write;
    s.input = t - read - write;
    std::int64_t head = 0;
    for (std::size_t i = 0; i < blocks.keys.size(); ++i) {
      if (blocks.keys[i].rfind("tool:", 0) == 0 || blocks.keys[i].rfind("system:", 0) == 0) {
        head += Tokens(blocks.keys[i]);
      }
    }
    s.tools_and_system = head;

    json content = json::array();
    const bool has_tools = body.contains("tools") && !body["tools"].empty();
    s.summariser = !has_tools;
    std::string stop = "tool_use";
    if (!has_tools) {
      content.push_back({{"type", "text"}, {"text", Summary(body)}});
      stop = "end_turn";
    } else {
      const int turn = TurnOf(body);
      content.push_back({{"type", "text"}, {"text", fmt::format("[turn {}] Reading on.", turn)}});
      const json& choice = body.value("tool_choice", json::object());
      if (choice.value("type", "") == "tool" || turn >= kIterations) {
        content.push_back({{"type", "tool_use"},
                           {"id", fmt::format("toolu_{}_1", turn)},
                           {"name", "submit_draft"},
                           {"input", {{"draft", "A reads faster; B is smaller."}}}});
      } else {
        content.push_back({{"type", "tool_use"},
                           {"id", fmt::format("toolu_{}_1", turn)},
                           {"name", "fetch_doc"},
                           {"input", {{"page", turn}}}});
        std::smatch handle;
        const std::string last = LastToolResult(body);
        static const std::regex kHandle(
            R"re(read_evidence\(id="(ev-[0-9]+)", offset=([0-9]+)\))re");
        if (turn % 5 == 0 && std::regex_search(last, handle, kHandle)) {
          content.push_back(
              {{"type", "tool_use"},
               {"id", fmt::format("toolu_{}_2", turn)},
               {"name", "read_evidence"},
               {"input", {{"id", handle[1].str()}, {"offset", std::stoll(handle[2].str())}}}});
        }
      }
    }
    served_.push_back(s);
    json answer = {{"id", fmt::format("msg_bench_{}", served_.size())},
                   {"type", "message"},
                   {"role", "assistant"},
                   {"model", body.value("model", kModel)},
                   {"content", content},
                   {"stop_reason", stop},
                   {"stop_sequence", nullptr},
                   {"usage",
                    {{"input_tokens", s.input},
                     {"cache_creation_input_tokens", s.cache_write},
                     {"cache_read_input_tokens", s.cache_read},
                     {"output_tokens", 60}}}};
    return FakeResponse::Json(200, answer.dump());
  }

  static int TurnOf(const json& body) {
    const json& messages = body["messages"];
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      if ((*it)["role"] != "assistant" || !(*it)["content"].is_array()) continue;
      for (const auto& block : (*it)["content"]) {
        if (block.value("type", "") != "text") continue;
        const std::string text = block.value("text", "");
        if (text.rfind("[turn ", 0) == 0) return std::stoi(text.substr(6)) + 1;
      }
    }
    return 1;
  }

  static std::string LastToolResult(const json& body) {
    const json& last = body["messages"].back();
    std::string text;
    if (!last["content"].is_array()) return text;
    for (const auto& block : last["content"]) {
      if (block.value("type", "") != "tool_result") continue;
      text += block["content"].is_string() ? block["content"].get<std::string>()
                                           : block["content"].dump();
    }
    return text;
  }

  static std::string Summary(const json& body) {
    std::set<std::string> ids;
    static const std::regex kId("ev-[0-9]+");
    const std::string text = body["messages"].dump();
    for (std::sregex_iterator it(text.begin(), text.end(), kId), end; it != end; ++it) {
      ids.insert(it->str());
    }
    std::string cited;
    for (const auto& id : ids) cited += (cited.empty() ? "" : ", ") + id;
    return "## Subjects\nSubject A, Subject B\n## Facts\n- The documentation pages read so far "
           "give one fact each [" +
           cited +
           "]\n## Open questions\n- Speed on a laptop\n## Sources visited\n- "
           "https://docs.example.org/page/\n## Plan status\n- Reading the remaining pages\n";
  }

  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, std::int64_t> cache_;
  std::vector<Served> served_;
  FakeHttpServer server_;  // last: stopped before the state its handler uses goes away
};

// The counterfactual prompt of each step: everything before that step's answer, in full.
std::vector<std::int64_t> FullHistoryTokens(const sessions::SessionHistory& history,
                                            std::size_t page_chars) {
  std::map<std::string, std::string> full;  // call id -> what a loop without handles would send
  for (const auto& step : history.steps) {
    for (const auto& call : step.tool_calls) {
      if (call.tool == "fetch_doc") {
        full[call.call_id] = FetchDocTool::Page(json::parse(call.args).at("page"), page_chars);
      } else if (call.tool == "read_evidence") {
        full[call.call_id] = "";
      }
    }
  }
  std::vector<agent::Message> transcript;
  std::vector<std::int64_t> out;
  for (const auto& step : history.steps) {
    std::vector<agent::Message> before_answer;
    bool answered = false;
    for (const auto& record : step.messages) {
      agent::Message m = agent::FromRecord(record);
      for (auto& block : m.content) {
        if (auto* r = std::get_if<agent::ToolResultBlock>(&block)) {
          auto it = full.find(r->tool_use_id);
          if (it != full.end()) r->content = it->second;
        }
      }
      if (m.role == agent::Role::kAssistant && !answered) {
        answered = true;
        std::vector<agent::Message> messages = transcript;
        messages.insert(messages.end(), before_answer.begin(), before_answer.end());
        agent::LlmRequest request;
        request.model = kModel;
        request.messages = std::move(messages);
        json body = json::parse(agent::anthropic::RequestBody(request, {}));
        body.erase("system");
        out.push_back(CountTokens(body));
      }
      (answered ? transcript : before_answer).push_back(std::move(m));
    }
    transcript.insert(transcript.end(), before_answer.begin(), before_answer.end());
    if (!answered) out.push_back(0);
  }
  return out;
}

int Main(int argc, char** argv) {
  const std::size_t page_chars = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 40'000;
  TempFolder dir;
  CachingFakeAnthropic fake;

  config::Config cfg;
  cfg.home = dir.path();
  cfg.providers.anthropic.base_url = fake.url();
  cfg.providers.anthropic.api_key = "bench-key";
  cfg.providers.anthropic.stream = false;
  cfg.providers.anthropic.prompt_cache = true;
  Result<std::unique_ptr<agent::LlmProvider>> provider =
      agent::MakeConfiguredProvider(cfg, "anthropic", kModel, {}, SystemClock::Instance());
  if (!provider.ok()) {
    fmt::print(stderr, "loop_tokens_bench: {}\n", provider.message());
    return 1;
  }

  sessions::Store store = sessions::Store::Open(dir.path() / "intern.db");
  tools::ToolRegistry registry;
  registry.Register(std::make_unique<FetchDocTool>(page_chars));
  registry.Register(std::make_unique<tools::ReadEvidenceTool>());
  registry.Register(std::make_unique<AcceptDraftTool>());
  agent::ModelCatalog models = agent::ModelCatalog::Embedded();
  agent::FixedApproval allow(agent::ApprovalVerdict::kAllow);
  SilentProgress progress;
  agent::LoopDeps deps{
      *provider.value(), nullptr, registry, store, SystemClock::Instance(), models, allow,
      progress,          nullptr};
  agent::LoopOptions options = agent::LoopDefaultsFrom(cfg);
  options.model = kModel;
  options.provider_name = "anthropic";
  options.task_prompt = "Compare Subject A and Subject B from their documentation.";
  options.max_iterations = kIterations;
  options.budget_tokens = 0;
  options.budget_usd = 0;
  sessions::Session seed;
  seed.kind = "compare";
  seed.title = "Subject A vs Subject B";
  const std::string id = store.CreateSession(seed).id;
  agent::LoopOutcome outcome = agent::RunSession(deps, options, id);

  std::optional<sessions::SessionHistory> history = store.LoadHistory(id);
  std::vector<Served> served = fake.served();
  std::vector<std::int64_t> full = FullHistoryTokens(*history, page_chars);

  std::int64_t sent = 0, sent_loop = 0, sent_summaries = 0, read = 0, write = 0, input = 0;
  int summaries = 0;
  std::vector<std::int64_t> loop_head;  // tools + system of each loop request
  for (const auto& s : served) {
    sent += s.prompt;
    read += s.cache_read;
    write += s.cache_write;
    input += s.input;
    if (s.summariser) {
      ++summaries;
      sent_summaries += s.prompt;
    } else {
      sent_loop += s.prompt;
      loop_head.push_back(s.tools_and_system);
    }
  }
  std::int64_t counterfactual = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    counterfactual += full[i] + (i < loop_head.size() ? loop_head[i] : 0);
  }
  int compactions = 0, handles = 0, reads = 0;
  for (const auto& step : history->steps) {
    compactions += static_cast<int>(step.compactions.size());
    for (const auto& call : step.tool_calls) {
      if (call.tool == "fetch_doc" && call.result.find("read_evidence(id=") != std::string::npos) {
        ++handles;
      }
      if (call.tool == "read_evidence") ++reads;
    }
  }
  std::int64_t largest_sent = 0, largest_full = 0;
  for (const auto& s : served) largest_sent = std::max(largest_sent, s.prompt);
  for (std::size_t i = 0; i < full.size(); ++i) {
    largest_full = std::max(largest_full, full[i] + (i < loop_head.size() ? loop_head[i] : 0));
  }

  const agent::ModelInfo info = models.Find(kModel);
  const double cost_sent = agent::CostUsd(agent::Usage{input, 0, read, write}, info);
  const double cost_full = agent::CostUsd(agent::Usage{counterfactual, 0, 0, 0}, info);
  const sessions::Usage& stored = history->session.usage;

  fmt::print(
      "loop tokens: one {}-iteration session, {}-character pages, {} ({}K window), "
      "anthropic wire over loopback\n",
      kIterations, page_chars, kModel, info.context_window / 1000);
  fmt::print(
      "  session: {} after {} iterations; {} compaction(s), {} summariser call(s), {} "
      "fetch_doc results cut to a head + handle, {} read_evidence call(s)\n",
      sessions::SessionStatusName(outcome.status), outcome.iterations, compactions, summaries,
      handles, reads);
  fmt::print("  prompt tokens sent (compaction + handles): {:>9}  ({} loop + {} summariser)\n",
             sent, sent_loop, sent_summaries);
  fmt::print("  prompt tokens, full history every time:    {:>9}\n", counterfactual);
  fmt::print(
      "  ratio sent / full history:                 {:>9.3f}\n",
      static_cast<double>(sent) / static_cast<double>(std::max<std::int64_t>(1, counterfactual)));
  fmt::print("  largest request: {} tokens sent, {} with the full history (the window is {})\n",
             largest_sent, largest_full, info.context_window);
  fmt::print(
      "  prompt cache: {} read + {} written + {} uncached; share read from the cache: "
      "{:.1f}%\n",
      read, write, input,
      100.0 * static_cast<double>(read) / static_cast<double>(std::max<std::int64_t>(1, sent)));
  fmt::print("  prompt cost at {} prices: ${:.4f} sent vs ${:.4f} full history uncached\n", kModel,
             cost_sent, cost_full);
  const bool usage_matches =
      stored.input == input && stored.cache_read == read && stored.cache_write == write;
  fmt::print("  usage stored by the loop matches what the fake reported: {}\n",
             usage_matches ? "yes" : "NO");
  return outcome.status == sessions::SessionStatus::kDone && usage_matches ? 0 : 1;
}

}  // namespace
}  // namespace intern::bench

int main(int argc, char** argv) { return intern::bench::Main(argc, argv); }
