#pragma once
// The document index behind doc_search and `intern docs` (DESIGN §5): its own SQLite file with a
// table of sources and an FTS5 table of chunks (text, title, heading path) ranked by BM25.
//
// Tokenizer: `porter unicode61 remove_diacritics 2`. Porter stemming lets "installing" find
// "install" — the queries are English questions about English documentation, where recall across
// word forms matters more than exact forms; unicode61 folds case and diacritics for non-ASCII
// text. (trigram would find substrings but triples the index and has no stemming.)
//
// Ranking: bm25 with weights text 1, title 2, heading path 2: a query word in a title or heading
// names the topic of the whole section, so it counts more than one in running text; the short
// columns already gain from BM25's length normalisation, so the extra weight stays modest.
//
// A source is identified by its URI (file:// + absolute path for files, the URL for pages). Add
// is idempotent: the same content (SHA-256) is a no-op; changed content replaces every chunk of
// the source in one transaction, so a search never sees a mix of old and new chunks.
//
// Errors: the constructor and the writers throw intern::Error with context when the database
// cannot be opened or written (a broken file is not something a caller can branch on); the
// look-ups return Result. Thread safety: all methods may be called from several threads (one
// connection behind a mutex). Several processes may share the file (WAL; writers take the lock
// at the start of their transaction).

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/clock.h"
#include "config/result.h"
#include "tools/docs/chunker.h"

namespace intern::tools {

struct DocSource {
  int64_t id = 0;
  std::string uri;
  std::string kind;     // DocKindName()
  std::string subject;  // catalog name it is about, or ""
  std::string title;
  std::string content_hash;  // hex SHA-256 of the content
  int64_t size = 0;          // bytes of content
  int64_t chunks = 0;
  std::string added_at;  // RFC 3339 UTC, when this content was indexed
};

struct DocHit {
  int64_t chunk_id = 0;
  int64_t source_id = 0;
  std::string uri;
  std::string title;
  std::string subject;
  std::string heading_path;
  std::string snippet;  // a few dozen words of the chunk, matches wrapped in ** **
  std::string text;     // the whole chunk (the span a citation quotes)
  double score = 0;     // higher is better (negated bm25)
};

enum class AddOutcome { kAdded, kReplaced, kUnchanged };

struct AddReport {
  AddOutcome outcome = AddOutcome::kAdded;
  int64_t source_id = 0;
  size_t chunks = 0;  // chunks now stored for the source
};

struct SkippedFile {
  std::string path;
  std::string reason;  // "binary", "larger than 16 MiB", "not a document type", "unreadable: …"
};

struct AddProgress {
  size_t files_done = 0;  // files looked at so far, skipped ones included
  uint64_t bytes_done = 0;
  std::string current;  // path of the file just handled
};

struct AddPathOptions {
  // fnmatch globs. A glob without '/' is matched against the file (or folder) name, one with '/'
  // against the path relative to the root, where '*' also crosses '/'. With include globs only
  // matching files are read; without them, files whose extension marks them as code, data,
  // images or archives are skipped ("not a document type"). Excludes also prune folders.
  // Hidden files and folders (".git") are always skipped below the root.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string subject;
  uint64_t max_file_bytes = uint64_t{16} << 20;
  // Called after each file, from the calling thread. May be empty.
  std::function<void(const AddProgress&)> progress;
  const std::atomic<bool>* cancel = nullptr;  // stops between files when set
};

struct AddSummary {
  size_t added = 0;
  size_t replaced = 0;
  size_t unchanged = 0;
  uint64_t bytes = 0;  // content read from indexed files (unchanged ones included)
  size_t chunks = 0;   // chunks written by this call
  std::vector<SkippedFile> skipped;
  bool cancelled = false;

  size_t files() const { return added + replaced + unchanged; }
};

class DocIndex {
 public:
  // Opens or creates the index at `path` (":memory:" for a private in-memory one); creates the
  // parent folder. Throws intern::Error("opening document index at PATH: …").
  explicit DocIndex(const std::string& path, Clock& clock = SystemClock::Instance());
  ~DocIndex();
  DocIndex(const DocIndex&) = delete;
  DocIndex& operator=(const DocIndex&) = delete;

  // Indexes `content` under `uri`. `title_hint` is used when the document has no title of its
  // own (a file name). An empty `subject` keeps the subject the source already has.
  AddReport AddText(const std::string& uri, std::string_view content, DocKind kind,
                    const std::string& subject = "", const std::string& title_hint = "");

  // Indexes one file, or every file below a folder (recursively), batching many files per
  // transaction. Files that cannot be indexed are reported in `skipped`, never thrown; a root
  // that does not exist is Fail(kNotFound, "no such file or folder: PATH").
  Result<AddSummary> AddPath(const std::filesystem::path& root, const AddPathOptions& options);

  // Removes the source whose id (all digits) or URI is `uri_or_id`; a local path is taken as its
  // file:// URI, and a folder removes every source below it. Returns what was removed, or
  // Fail(kNotFound, …) naming `intern docs list`.
  Result<std::vector<DocSource>> Remove(std::string_view uri_or_id);

  // Every source, ordered by URI.
  std::vector<DocSource> List() const;

  // The `k` best chunks for `query` (free text from a person or a model: every word is quoted,
  // so no input is an FTS syntax error). Chunks containing every word come first, by BM25; when
  // there are fewer than k of them the query is relaxed by dropping its most common remaining
  // word, one at a time, and the next tier is appended (coordination-level matching); after the
  // rarest word alone, the same runs again without it. Unlike an OR of all words, every tier is
  // an AND led by its rarest word, so its cost is bounded by that word's postings rather than by
  // every chunk that says "file"; ranking is BM25 (fts_rank.h). Words that occur nowhere are
  // ignored, and so are common English words ("the", "how") unless the query has nothing else.
  // `subject` "" means any. Fail(kInvalidArgument) for a query without searchable words.
  Result<std::vector<DocHit>> Search(std::string_view query, const std::string& subject = "",
                                     int k = 5) const;

  // Merges the FTS b-trees into one, which makes queries faster after a large ingest.
  void Optimize();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The quoted FTS5 terms of a user's query, in query order, common words dropped (see Search).
std::vector<std::string> FtsTerms(std::string_view query);

// The FTS5 expression for a user's query: words and "quoted phrases" each become a quoted FTS
// string joined by AND (match_all) or OR; a trailing '*' on a word keeps prefix search. ""
// when the query has no searchable words.
std::string FtsQuery(std::string_view query, bool match_all);

// "file://" + the absolute, lexically normal path (not percent-encoded).
std::string FileUri(const std::filesystem::path& path);

// The kind a file is read as, from its extension and, for files without one, its first bytes.
DocKind KindForFile(const std::filesystem::path& path, std::string_view head);

}  // namespace intern::tools
