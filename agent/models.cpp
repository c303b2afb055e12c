#include "agent/models.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

namespace intern::agent {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Names the same model might be asked for under, most specific first.
std::vector<std::string> SuffixStripped(const std::string& name) {
  std::vector<std::string> out;
  auto ends = [&name](std::string_view suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("[1m]")) out.push_back(name.substr(0, name.size() - 4));
  if (ends("-latest")) out.push_back(name.substr(0, name.size() - 7));
  if (name.size() > 9) {
    std::string_view tail = std::string_view(name).substr(name.size() - 9);
    if ((tail[0] == '-' || tail[0] == '@') && AllDigits(tail.substr(1)))
      out.push_back(name.substr(0, name.size() - 9));
  }
  if (name.size() > 11) {  // -YYYY-MM-DD
    std::string_view tail = std::string_view(name).substr(name.size() - 11);
    if (tail[0] == '-' && AllDigits(tail.substr(1, 4)) && tail[5] == '-' &&
        AllDigits(tail.substr(6, 2)) && tail[8] == '-' && AllDigits(tail.substr(9, 2))) {
      out.push_back(name.substr(0, name.size() - 11));
    }
  }
  return out;
}

Result<std::optional<double>> Price(const toml::table& t, const char* key,
                                    const std::string& where) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return std::optional<double>();
  auto v = node->value<double>();
  if (!v || *v < 0)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: {} must be a number >= 0", where, key));
  return std::optional<double>(*v);
}

Result<std::optional<std::int64_t>> Count(const toml::table& t, const char* key,
                                          const std::string& where) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return std::optional<std::int64_t>();
  auto v = node->value_exact<std::int64_t>();
  if (!v || *v <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: {} must be a positive integer", where, key));
  }
  return std::optional<std::int64_t>(*v);
}

}  // namespace

Result<ModelCatalog> ModelCatalog::Parse(std::string_view toml_text, std::string_view origin,
                                         const ModelCatalog* base) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(origin));
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: line {}: {}", origin, e.source().begin.line, e.description()));
  }
  ModelCatalog catalog = base != nullptr ? *base : ModelCatalog();

  if (const toml::table* fb = root["fallback"].as_table()) {
    std::string where = fmt::format("{}: fallback", origin);
    auto ctx = Count(*fb, "context_window", where);
    if (!ctx) return ctx.failure();
    auto out = Count(*fb, "max_output", where);
    if (!out) return out.failure();
    if (*ctx) catalog.fallback_context_window_ = **ctx;
    if (*out) catalog.fallback_max_output_ = **out;
  }

  const toml::table* models = root["models"].as_table();
  if (models == nullptr) return catalog;
  for (const auto& [key, node] : *models) {
    std::string id(key.str());
    std::string where = fmt::format("{}: models.{}", origin, id);
    const toml::table* t = node.as_table();
    if (t == nullptr) return Fail(ErrorCode::kInvalidArgument, where + ": expected a table");

    ModelInfo* entry = nullptr;
    for (auto& m : catalog.models_) {
      if (Lower(m.id) == Lower(id)) entry = &m;
    }
    bool is_new = entry == nullptr;
    if (is_new) {
      catalog.models_.push_back(ModelInfo{});
      entry = &catalog.models_.back();
      entry->id = id;
      entry->known = true;
    }
    ModelInfo& m = *entry;

    auto ctx = Count(*t, "context_window", where);
    if (!ctx) return ctx.failure();
    auto max_out = Count(*t, "max_output", where);
    if (!max_out) return max_out.failure();
    auto in = Price(*t, "input", where);
    if (!in) return in.failure();
    auto out = Price(*t, "output", where);
    if (!out) return out.failure();
    auto cr = Price(*t, "cache_read", where);
    if (!cr) return cr.failure();
    auto cw = Price(*t, "cache_write", where);
    if (!cw) return cw.failure();

    if (auto p = (*t)["provider"].value<std::string>()) m.provider = *p;
    if (auto s = (*t)["source"].value<std::string>()) m.source = *s;
    if (auto s = (*t)["checked"].value<std::string>()) m.checked = *s;
    if (const toml::array* a = (*t)["aliases"].as_array()) {
      m.aliases.clear();
      for (const auto& alias : *a) {
        if (auto s = alias.value<std::string>()) m.aliases.push_back(*s);
      }
    }
    if (*ctx)
      m.context_window = **ctx;
    else if (is_new)
      m.context_window = catalog.fallback_context_window_;
    if (*max_out)
      m.max_output = **max_out;
    else if (is_new)
      m.max_output = catalog.fallback_max_output_;
    if (*in) m.input = **in;
    if (*out) m.output = **out;
    // A cache price left out is charged at the input price: an over-estimate, never an under.
    if (*cr)
      m.cache_read = **cr;
    else if (is_new)
      m.cache_read = m.input;
    if (*cw)
      m.cache_write = **cw;
    else if (is_new)
      m.cache_write = m.input;
  }
  return catalog;
}

ModelCatalog ModelCatalog::Embedded() {
  auto catalog = Parse(EmbeddedModelsToml(), "models.toml (built in)");
  return std::move(catalog).value();
}

Result<ModelCatalog> ModelCatalog::Load(const std::filesystem::path& user_file) {
  ModelCatalog base = Embedded();
  std::error_code ec;
  if (user_file.empty() || !std::filesystem::exists(user_file, ec)) return base;
  std::ifstream in(user_file, std::ios::binary);
  if (!in)
    return Fail(ErrorCode::kIo,
                fmt::format("reading models file {}: cannot open it", user_file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Fail(ErrorCode::kIo,
                fmt::format("reading models file {}: read failed", user_file.string()));
  return Parse(text.str(), user_file.string(), &base);
}

const ModelInfo* ModelCatalog::FindExact(std::string_view lowered) const {
  for (const auto& m : models_) {
    if (Lower(m.id) == lowered) return &m;
  }
  for (const auto& m : models_) {
    for (const auto& alias : m.aliases) {
      if (Lower(alias) == lowered) return &m;
    }
  }
  return nullptr;
}

ModelInfo ModelCatalog::Find(std::string_view model) const {
  std::string name = Lower(model);
  std::vector<std::string> candidates = {name};
  if (auto slash = name.rfind('/'); slash != std::string::npos)
    candidates.push_back(name.substr(slash + 1));
  for (std::size_t i = 0, n = candidates.size(); i < n; ++i) {
    for (auto& stripped : SuffixStripped(candidates[i])) candidates.push_back(std::move(stripped));
  }
  for (const auto& c : candidates) {
    if (const ModelInfo* m = FindExact(c)) return *m;
  }
  ModelInfo unknown;
  unknown.id = std::string(model);
  unknown.context_window = fallback_context_window_;
  unknown.max_output = fallback_max_output_;
  unknown.known = false;
  return unknown;
}

double CostUsd(const Usage& usage, const ModelInfo& model) {
  return (static_cast<double>(usage.input) * model.input +
          static_cast<double>(usage.output) * model.output +
          static_cast<double>(usage.cache_read) * model.cache_read +
          static_cast<double>(usage.cache_write) * model.cache_write) /
         1'000'000.0;
}

}  // namespace intern::agent
