#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "config/error.h"
#include "sessions/schema.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;
using testing::MakeStep;
using testing::ReadBytes;
using testing::TempDir;
using testing::WriteBytes;

TEST_CASE("Open creates the folder and a WAL store at the latest schema") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "home" / "nested" / "intern.db";
  Store store = Store::Open(path);
  CHECK(store.path() == path.string());
  CHECK(store.schema_version() == LatestSchemaVersion());
  CHECK(std::filesystem::exists(path));
  store.CreateSession(MakeSession("s-w"));
  // A WAL-mode connection with a write keeps its log beside the file.
  CHECK(std::filesystem::exists(path.string() + "-wal"));

  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(raw.execAndGet("PRAGMA application_id").getInt() == kApplicationId);
}

TEST_CASE("a reopened store has what was committed before") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "intern.db";
  {
    Store store = Store::Open(path);
    store.CreateSession(MakeSession("s-keep"));
    store.CommitStep(MakeStep("s-keep", 1, 2, 1));
  }
  Store again = Store::Open(path);
  SessionHistory h = *again.LoadHistory("s-keep");
  CHECK(h.session.iterations == 1);
  REQUIRE(h.steps.size() == 1);
  CHECK(h.steps[0].messages.size() == 2);
  CHECK(h.steps[0].tool_calls.size() == 1);
}

TEST_CASE("foreign keys are enforced on an opened store") {
  TempDir dir;
  Store store = Store::Open(dir.path() / "intern.db");
  store.CreateSession(MakeSession("s-fk"));
  // A draft needs its session: the store checks first, SQLite would refuse anyway.
  DraftRecord draft;
  draft.session_id = "s-missing";
  CHECK_THROWS_WITH(store.CreateDraft(draft),
                    Catch::StartsWith("cannot store a draft: no session \"s-missing\""));
  SQLite::Database raw((dir.path() / "intern.db").string(), SQLite::OPEN_READWRITE);
  raw.exec("PRAGMA foreign_keys = ON");
  CHECK_THROWS(
      raw.exec("INSERT INTO steps (session_id, n, started_at, finished_at) "
               "VALUES ('s-missing', 1, 'x', 'x')"));
}

TEST_CASE("a store left at schema 1 by an older intern is migrated with its data intact") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "intern.db";
  {
    Store old = Store::Open(path, {.max_schema_version = 1});
    CHECK(old.schema_version() == 1);
    old.CreateSession(MakeSession("s-old"));
    old.CommitStep(MakeStep("s-old", 1, 2, 1));
    old.RecordEvidence("s-old", {"A", "fact", "stars", "5", "https://a", "", "", "", "t"});
  }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == 1);
    CHECK_FALSE(raw.tableExists("drafts"));
    CHECK_FALSE(raw.tableExists("jobs"));
  }
  Store store = Store::Open(path);
  CHECK(store.schema_version() == LatestSchemaVersion());
  SessionHistory h = *store.LoadHistory("s-old");
  CHECK(h.session.iterations == 1);
  CHECK(h.steps.at(0).messages.size() == 2);
  CHECK(h.evidence.size() == 1);
  // The tables of the later migrations work.
  DraftRecord draft;
  draft.session_id = "s-old";
  CHECK(store.CreateDraft(draft).version == 1);
  CHECK(store.EnqueueJob({.kind = "compare"}) == 1);
  CHECK(store.PutCatalogEntry({.key = "x", .name = "X"}).key == "x");
}

TEST_CASE("a store written by a newer intern is refused and left unchanged") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "intern.db";
  { Store store = Store::Open(path); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 99");
  }
  const std::string before = ReadBytes(path);
  CHECK_THROWS_WITH(Store::Open(path),
                    fmt::format("the store at {} was written by a newer intern (schema 99, this "
                                "build knows {}); upgrade intern or set INTERN_HOME to another "
                                "folder",
                                path.string(), LatestSchemaVersion()));
  CHECK(ReadBytes(path) == before);
}

TEST_CASE("a file that is not a database is reported and never overwritten") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "intern.db";
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 31 + 7) % 256));
  WriteBytes(path, garbage);
  CHECK_THROWS_WITH(Store::Open(path),
                    fmt::format("the file at {} is not a valid intern store (file is not a "
                                "database); move it aside or set INTERN_HOME to another folder",
                                path.string()));
  CHECK(ReadBytes(path) == garbage);
}

TEST_CASE("another program's SQLite database is refused and left unchanged") {
  TempDir dir;
  std::filesystem::path path = dir.path() / "other.db";
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
  }
  const std::string before = ReadBytes(path);
  CHECK_THROWS_WITH(Store::Open(path),
                    fmt::format("the file at {} is not a valid intern store (it is an SQLite "
                                "database of another program); move it aside or set INTERN_HOME "
                                "to another folder",
                                path.string()));
  CHECK(ReadBytes(path) == before);
}

TEST_CASE("a folder that cannot be created is reported with the store path") {
  TempDir dir;
  WriteBytes(dir.path() / "file", "x");
  std::filesystem::path path = dir.path() / "file" / "intern.db";
  CHECK_THROWS_WITH(Store::Open(path),
                    Catch::StartsWith(fmt::format("opening session store at {}: cannot create the "
                                                  "folder {}",
                                                  path.string(), (dir.path() / "file").string())));
}

TEST_CASE("the migration list is numbered 1..N without gaps") {
  int expected = 1;
  for (const Migration& m : Migrations()) CHECK(m.version == expected++);
  CHECK(LatestSchemaVersion() == expected - 1);
}

}  // namespace
}  // namespace intern::sessions
