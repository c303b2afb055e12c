#pragma once
// StoreHttpCache — HttpCache kept in the session store's http_cache table, so ETags survive
// between runs of intern (sessions::Store::GetHttpCache / PutHttpCache).
//
// The Link header travels in the entry's headers JSON ({"link": "..."}). A store error on Put is
// swallowed (a cache write must never fail a look-up); on Get it reads as a miss.
//
// Thread safety: as the Store (its calls are serialised internally).

#include "sessions/store.h"
#include "tools/github/http_cache.h"

namespace intern::tools {

class StoreHttpCache final : public HttpCache {
 public:
  // `store` is borrowed and must outlive this object.
  explicit StoreHttpCache(sessions::Store& store) : store_(store) {}

  std::optional<CachedResponse> Get(const std::string& key) const override;
  void Put(const CachedResponse& entry) override;

 private:
  sessions::Store& store_;
};

}  // namespace intern::tools
