#include "agent/link_check.h"

#include <fmt/format.h>

#include <cctype>

namespace intern::agent {

std::string LinkKey(std::string_view url) {
  url = url.substr(0, url.find('#'));
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  std::string key;
  for (char c : url.substr(0, scheme_end))
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (key != "http" && key != "https") return "";
  key += "://";
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t host_end = rest.find_first_of("/?");
  for (char c : rest.substr(0, host_end))
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host_end != std::string_view::npos) {
    std::string_view tail = rest.substr(host_end);
    const size_t query = tail.find('?');
    std::string_view path = tail.substr(0, query);
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path != "/") key += path;
    if (query != std::string_view::npos) key += tail.substr(query);
  }
  return key;
}

void KnownLinks::Add(std::string_view url) {
  std::string key = LinkKey(url);
  if (!key.empty()) keys_.insert(std::move(key));
}

void KnownLinks::AddCatalogEntry(const config::CatalogEntry& entry) {
  for (const std::string* url :
       {&entry.links.home, &entry.links.docs, &entry.links.repo, &entry.links.hf}) {
    Add(*url);
  }
  if (!entry.github.empty()) Add("https://github.com/" + entry.github);
  for (const std::string& id : entry.hf_ids) Add("https://huggingface.co/" + id);
}

bool KnownLinks::Contains(std::string_view url) const {
  std::string key = LinkKey(url);
  return !key.empty() && keys_.contains(key);
}

std::vector<ValidationProblem> CheckLinks(const Comparison& comparison, const KnownLinks& known) {
  std::vector<ValidationProblem> problems;
  for (size_t s = 0; s < comparison.subjects.size(); ++s) {
    const Subject& subject = comparison.subjects[s];
    for (size_t i = 0; i < subject.links.size(); ++i) {
      const std::string& url = subject.links[i].url;
      if (known.Contains(url)) continue;
      problems.push_back(
          {ValidationProblem::Kind::kError,
           fmt::format("subjects[{}].links[{}]: {} is not a page this session's research fetched "
                       "nor a catalog link of {}; link only sources from the ledger, or leave "
                       "the link out",
                       s, i, url, subject.name)});
    }
  }
  return problems;
}

}  // namespace intern::agent
