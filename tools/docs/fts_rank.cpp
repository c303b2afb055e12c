#include "tools/docs/fts_rank.h"

#include <sqlite3.h>

#include <array>
#include <cmath>
#include <memory>
#include <vector>

#include "config/error.h"

namespace intern::tools {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// Weights of the columns text, title, heading_path, source_id (see doc_index.h for why).
constexpr std::array<double, 4> kColumnWeights = {1.0, 2.0, 2.0, 0.0};

void Bm25(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
          sqlite3_value** argv) {
  int phrases = api->xPhraseCount(fts);
  sqlite3_int64 rows = 0;
  sqlite3_int64 total_tokens = 0;
  int row_tokens = 0;
  int instances = 0;
  if (api->xRowCount(fts, &rows) != SQLITE_OK ||
      api->xColumnTotalSize(fts, -1, &total_tokens) != SQLITE_OK ||
      api->xColumnSize(fts, -1, &row_tokens) != SQLITE_OK ||
      api->xInstCount(fts, &instances) != SQLITE_OK) {
    sqlite3_result_error(ctx, "intern_bm25: cannot read the row statistics", -1);
    return;
  }
  // Weighted term frequency of every phrase in this row.
  std::vector<double> freq(static_cast<size_t>(phrases), 0.0);
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK) continue;
    if (phrase < 0 || phrase >= phrases || column < 0) continue;
    size_t c = static_cast<size_t>(column);
    freq[static_cast<size_t>(phrase)] += c < kColumnWeights.size() ? kColumnWeights[c] : 1.0;
  }
  double n = rows > 0 ? static_cast<double>(rows) : 1.0;
  double average = total_tokens > 0 ? static_cast<double>(total_tokens) / n : 1.0;
  double norm = kK1 * (1.0 - kB + kB * static_cast<double>(row_tokens) / average);
  double score = 0;
  for (int p = 0; p < phrases; ++p) {
    double df = p < argc ? sqlite3_value_double(argv[p]) : 1.0;
    double idf = std::log((n - df + 0.5) / (df + 0.5));
    if (idf <= 0) idf = 1e-6;  // a phrase in most rows still counts, a little
    double f = freq[static_cast<size_t>(p)];
    score += idf * f * (kK1 + 1.0) / (f + norm);
  }
  sqlite3_result_double(ctx, -score);
}

}  // namespace

void RegisterRankFunction(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &raw, nullptr) != SQLITE_OK) {
    throw Error(std::string("registering intern_bm25: FTS5 is not available: ") +
                sqlite3_errmsg(db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, &sqlite3_finalize);
  sqlite3_bind_pointer(stmt.get(), 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt.get());
  if (api == nullptr || api->iVersion < 2) {
    throw Error("registering intern_bm25: this SQLite has no usable FTS5 API");
  }
  if (api->xCreateFunction(api, "intern_bm25", nullptr, &Bm25, nullptr) != SQLITE_OK) {
    throw Error(std::string("registering intern_bm25: ") + sqlite3_errmsg(db));
  }
}

}  // namespace intern::tools
