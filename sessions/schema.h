#pragma once
// The store's schema as an ordered list of migrations. Migration i (1-based) takes a store from
// schema version i-1 to i; `PRAGMA user_version` holds the number applied. A migration is never
// edited once released: a change is a new migration at the end.

#include <span>

namespace intern::sessions {

struct Migration {
  int version;          // the user_version after it
  const char* summary;  // why it exists, for people reading the list
  const char* sql;      // statements run in the migration transaction
};

// Every migration, in order; Migrations()[i].version == i + 1.
std::span<const Migration> Migrations();

// The schema version this build writes.
int LatestSchemaVersion();

// PRAGMA application_id of an intern store ("intr"), so another program's SQLite file is not
// mistaken for a store.
inline constexpr int kApplicationId = 0x696e7472;

}  // namespace intern::sessions
