#pragma once
// HttpCache — where conditional GET requests keep what a server last sent (DESIGN §5: "conditional
// requests with ETag cached in the store"). The GitHub client sends `If-None-Match` /
// `If-Modified-Since` from a cached entry and reuses its body when the server answers 304, and
// falls back to it (flagged as stale) when a rate limit blocks a fresh answer.
//
// Implementations: MemoryHttpCache (tests, dry runs) and StoreHttpCache (the session store,
// tools/github/store_http_cache.h).
//
// Thread safety: implementations must accept Get/Put from several threads at once (read-only tool
// calls run concurrently).

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace intern::tools {

struct CachedResponse {
  std::string key;            // the request URL
  std::string etag;           // the ETag header as sent (weak validators keep their W/)
  std::string last_modified;  // the Last-Modified header, or ""
  std::string link;           // the Link header (pagination), or ""
  std::string body;
  std::string stored_at;  // RFC 3339, UTC: when the body was fetched

  bool operator==(const CachedResponse&) const = default;
};

class HttpCache {
 public:
  virtual ~HttpCache() = default;
  // The entry for `key`, or nullopt.
  virtual std::optional<CachedResponse> Get(const std::string& key) const = 0;
  // Inserts or replaces the entry for entry.key. Failing to store is not an error for callers
  // (the cache is an optimisation): implementations swallow and forget.
  virtual void Put(const CachedResponse& entry) = 0;
};

class MemoryHttpCache final : public HttpCache {
 public:
  std::optional<CachedResponse> Get(const std::string& key) const override {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const CachedResponse& entry) override {
    std::lock_guard lock(mu_);
    entries_[entry.key] = entry;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, CachedResponse> entries_;
};

}  // namespace intern::tools
