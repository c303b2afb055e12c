#include "tools/github/store_http_cache.h"

#include <nlohmann/json.hpp>

#include "config/error.h"

namespace intern::tools {

std::optional<CachedResponse> StoreHttpCache::Get(const std::string& key) const {
  std::optional<sessions::HttpCacheEntry> row;
  try {
    row = store_.GetHttpCache(key);
  } catch (const Error&) {
    return std::nullopt;  // an unreadable cache is a miss: the look-up goes to the network
  }
  if (!row) return std::nullopt;
  CachedResponse out;
  out.key = row->key;
  out.etag = row->etag;
  out.last_modified = row->last_modified;
  out.body = row->body;
  out.stored_at = row->stored_at;
  nlohmann::json headers = nlohmann::json::parse(row->headers, nullptr, false);
  if (headers.is_object() && headers.contains("link") && headers["link"].is_string()) {
    out.link = headers["link"].get<std::string>();
  }
  return out;
}

void StoreHttpCache::Put(const CachedResponse& entry) {
  sessions::HttpCacheEntry row;
  row.key = entry.key;
  row.etag = entry.etag;
  row.last_modified = entry.last_modified;
  row.status = 200;
  nlohmann::json headers = nlohmann::json::object();
  if (!entry.link.empty()) headers["link"] = entry.link;
  row.headers = headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  row.body = entry.body;
  row.stored_at = entry.stored_at;
  try {
    store_.PutHttpCache(std::move(row));
  } catch (const Error&) {
    // The cache only saves requests; a look-up that worked must not fail because it could not
    // be remembered.
  }
}

}  // namespace intern::tools
