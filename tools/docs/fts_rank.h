#pragma once
// intern_bm25: the ranking function of the document index, an FTS5 auxiliary function.
//
// FTS5's built-in bm25() counts, on the first row of every query, how many rows contain each
// phrase by walking the phrase's whole posting list: a query that includes "file" pays for every
// chunk that says "file" even when only one chunk matches (7 ms of an 8 ms query on a 250 MB
// corpus). intern_bm25 is the same Okapi BM25 (k1 = 1.2, b = 0.75, column weights text 1,
// title 2, heading path 2) but takes each phrase's document frequency as an argument, so the
// caller can pass a cheap estimate:
//
//   ... WHERE chunks MATCH '"a" AND "b"' AND rank MATCH 'intern_bm25(12, 40000)' ORDER BY rank
//
// Arguments are the document frequencies of the query's phrases in order; a missing one counts
// as 1 (a rare phrase). Lower is better, as with bm25().

struct sqlite3;

namespace intern::tools {

// Registers intern_bm25 on `db` (FTS5 must be compiled in). Throws intern::Error on failure.
void RegisterRankFunction(sqlite3* db);

}  // namespace intern::tools
