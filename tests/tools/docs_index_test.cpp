#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tools/docs/doc_index.h"

namespace intern::tools {
namespace {
namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(INTERN_TEST_FIXTURES) / "docs" / "corpus";

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "intern-docs-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::vector<DocHit> MustSearch(const DocIndex& index, std::string_view q,
                               const std::string& subject = "", int k = 5) {
  Result<std::vector<DocHit>> r = index.Search(q, subject, k);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("the passage that answers a question ranks first over a corpus with shared words") {
  DocIndex index(":memory:");
  Result<AddSummary> added = index.AddPath(kCorpus, {});
  REQUIRE(added.ok());
  CHECK(added->added == 5);
  CHECK(added->skipped.empty());

  std::vector<DocHit> hits = MustSearch(index, "how do I rotate the signing key?");
  REQUIRE(hits.size() >= 3);
  CHECK(hits[0].uri == FileUri(kCorpus / "guide" / "keys.md"));
  CHECK(hits[0].heading_path == "Key management > Rotating the signing key");
  CHECK(hits[0].title == "Key management");
  CHECK(hits[0].snippet.find("**rotate** the **signing** **key**") != std::string::npos);
  CHECK(hits[0].score > hits[1].score);

  hits = MustSearch(index, "build from source with cmake");
  REQUIRE(!hits.empty());
  CHECK(hits[0].uri == FileUri(kCorpus / "install.md"));
  CHECK(hits[0].heading_path == "Install > From source");

  hits = MustSearch(index, "log retention days");
  REQUIRE(!hits.empty());
  CHECK(hits[0].uri == FileUri(kCorpus / "guide" / "logging.txt"));
  CHECK(hits[0].heading_path == "RETENTION");
}

TEST_CASE("words only in html boilerplate are not indexed, words in the article are") {
  DocIndex index(":memory:");
  REQUIRE(index.AddPath(kCorpus / "guide" / "faq.html", {}).ok());
  for (const char* word : {"scriptonlyword", "scriptonlyword2", "zebrastyleword", "navonlyword",
                           "footeronlyword", "asideonlyword", "bannerword", "noscriptword"}) {
    INFO(word);
    CHECK(MustSearch(index, word).empty());
  }
  std::vector<DocHit> hits = MustSearch(index, "S3 credentials");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].title == "Quillstore FAQ");
  CHECK(hits[0].heading_path == "Frequently asked questions > Can I store snapshots on S3?");
  CHECK(hits[0].text == "Yes, with the s3:// scheme & credentials from the environment.");
}

TEST_CASE("re-adding a changed file replaces its chunks and leaves no stale one") {
  TempDir dir;
  fs::path file = dir.path() / "notes.md";
  WriteFile(file, "# Old\n\nThe obsoleteword section.\n\n# Shared\n\nCommon text.\n");
  DocIndex index(":memory:");
  Result<AddSummary> first = index.AddPath(file, {});
  REQUIRE(first.ok());
  CHECK(first->added == 1);
  CHECK(first->chunks == 2);

  WriteFile(file, "# New\n\nThe freshword section.\n\n# Shared\n\nCommon text.\n");
  Result<AddSummary> second = index.AddPath(file, {});
  REQUIRE(second.ok());
  CHECK(second->replaced == 1);
  CHECK(MustSearch(index, "obsoleteword").empty());
  CHECK(MustSearch(index, "freshword").size() == 1);
  CHECK(MustSearch(index, "common text").size() == 1);
  std::vector<DocSource> sources = index.List();
  REQUIRE(sources.size() == 1);
  CHECK(sources[0].chunks == 2);
  CHECK(sources[0].uri == FileUri(file));
}

TEST_CASE("re-adding unchanged content is a no-op that keeps the source id") {
  DocIndex index(":memory:");
  AddReport a = index.AddText("https://example.invalid/a", "# A\n\nalpha\n", DocKind::kMarkdown);
  AddReport b = index.AddText("https://example.invalid/a", "# A\n\nalpha\n", DocKind::kMarkdown);
  CHECK(a.outcome == AddOutcome::kAdded);
  CHECK(b.outcome == AddOutcome::kUnchanged);
  CHECK(b.source_id == a.source_id);
  CHECK(b.chunks == 1);
  CHECK(MustSearch(index, "alpha").size() == 1);
}

TEST_CASE("replacing one source leaves the chunks of the others intact") {
  DocIndex index(":memory:");
  index.AddText("u1", "one apple", DocKind::kText);
  index.AddText("u2", "two apple", DocKind::kText);
  index.AddText("u3", "three apple", DocKind::kText);
  index.AddText("u2", "two pear", DocKind::kText);
  index.AddText("u1", "one pear\n\nmore pear", DocKind::kText);
  std::vector<DocHit> apples = MustSearch(index, "apple");
  REQUIRE(apples.size() == 1);
  CHECK(apples[0].uri == "u3");
  CHECK(MustSearch(index, "pear").size() == 2);
}

TEST_CASE("queries with FTS syntax characters are searched as words, never as syntax") {
  DocIndex index(":memory:");
  index.AddText("u", "Use C++ with \"quotes\" AND OR NOT near(x) col:val * ^ - done",
                DocKind::kText);
  for (const char* q : {"C++ \"unterminated", "AND OR NOT", "NEAR(a b)", "col:val", "a*b", "-done",
                        "^start", "(x", "{a b}", "x OR", "'single", "done*"}) {
    INFO(q);
    Result<std::vector<DocHit>> r = index.Search(q);
    CHECK(r.ok());
  }
  CHECK(MustSearch(index, "AND OR NOT").size() == 1);
  CHECK(MustSearch(index, "C++ \"unterminated").size() == 1);
  CHECK(MustSearch(index, "don*").size() == 1);
}

TEST_CASE("a query without any word is an invalid argument with a message") {
  DocIndex index(":memory:");
  for (const char* q : {"", "   ", "++ -- \"\"", "*", "\""}) {
    Result<std::vector<DocHit>> r = index.Search(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kInvalidArgument);
    CHECK(r.message() == "the query has no words to search for; use letters or digits");
  }
}

TEST_CASE("the fts query quotes every word, drops common words and keeps phrases") {
  CHECK(FtsQuery("how do I rotate the key", true) == "\"rotate\" AND \"key\"");
  CHECK(FtsQuery("how do I rotate the key", false) == "\"rotate\" OR \"key\"");
  CHECK(FtsQuery("the", true) == "\"the\"");
  CHECK(FtsQuery("\"signing key\" rotate*", true) == "\"signing key\" AND \"rotate\"*");
  CHECK(FtsQuery("say \"hi", true) == "\"say\" AND \"hi\"");
  CHECK(FtsQuery("x\"y", true) == "\"x\" AND \"y\"");
  CHECK(FtsQuery("key key KEY", true) == "\"key\" AND \"KEY\"");
  CHECK(FtsQuery("++", true).empty());
}

TEST_CASE("the subject filter returns only chunks of sources added for that subject") {
  DocIndex index(":memory:");
  index.AddText("a", "vector database index", DocKind::kText, "qdrant");
  index.AddText("b", "vector database index", DocKind::kText, "milvus");
  std::vector<DocHit> hits = MustSearch(index, "vector index", "milvus");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].uri == "b");
  CHECK(hits[0].subject == "milvus");
  CHECK(MustSearch(index, "vector index", "").size() == 2);
  CHECK(MustSearch(index, "vector index", "nobody").empty());
}

TEST_CASE("chunks with every query word come before chunks with only some") {
  DocIndex index(":memory:");
  // "alpha" alone is repeated so that under OR ranking it would win on term frequency.
  index.AddText("some", "alpha alpha alpha alpha alpha", DocKind::kText);
  index.AddText("all", "alpha beta and a lot of other words to make this chunk longer",
                DocKind::kText);
  std::vector<DocHit> hits = MustSearch(index, "alpha beta");
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].uri == "all");
  CHECK(hits[1].uri == "some");
  CHECK(MustSearch(index, "alpha beta", "", 1).size() == 1);
}

TEST_CASE("a query word that occurs nowhere does not hide the chunks with the other words") {
  DocIndex index(":memory:");
  index.AddText("keys", "# Keys\n\nRotate the signing key yearly.", DocKind::kMarkdown);
  std::vector<DocHit> hits = MustSearch(index, "rotate signing key xyzzyplugh");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].uri == "keys");
}

TEST_CASE("relaxed tiers drop the most common word first") {
  DocIndex index(":memory:");
  // "common" is in every chunk, "rare" in two, "rarest" in one.
  index.AddText("a", "common rare rarest", DocKind::kText);
  index.AddText("b", "common rare", DocKind::kText);
  index.AddText("c", "common", DocKind::kText);
  index.AddText("d", "common", DocKind::kText);
  index.AddText("e", "common", DocKind::kText);
  std::vector<DocHit> hits = MustSearch(index, "common rare rarest", "", 3);
  REQUIRE(hits.size() == 3);
  CHECK(hits[0].uri == "a");  // every word
  CHECK(hits[1].uri == "b");  // the tiers with "rarest" add nothing new; then "rare common"
  CHECK((hits[2].uri == "c" || hits[2].uri == "d" || hits[2].uri == "e"));  // "common" alone
}

TEST_CASE("folders are read recursively with include and exclude globs, hidden files skipped") {
  TempDir dir;
  WriteFile(dir.path() / "a.md", "alpha");
  WriteFile(dir.path() / "sub" / "b.txt", "alpha");
  WriteFile(dir.path() / "sub" / "c.md", "alpha");
  WriteFile(dir.path() / "build" / "d.md", "alpha");
  WriteFile(dir.path() / ".git" / "e.md", "alpha");
  WriteFile(dir.path() / "script.py", "alpha");
  WriteFile(dir.path() / "blob.dat", std::string("alpha\0beta", 10));
  DocIndex index(":memory:");

  AddPathOptions options;
  options.exclude = {"build"};
  Result<AddSummary> r = index.AddPath(dir.path(), options);
  REQUIRE(r.ok());
  CHECK(r->added == 3);
  std::vector<std::string> skipped;
  for (const SkippedFile& s : r->skipped) {
    skipped.push_back(fs::path(s.path).filename().string() + ": " + s.reason);
  }
  std::sort(skipped.begin(), skipped.end());
  CHECK(skipped == std::vector<std::string>{"blob.dat: binary", "script.py: not a document type"});

  DocIndex only_md(":memory:");
  options = {};
  options.include = {"*.md"};
  options.exclude = {"sub/*"};
  r = only_md.AddPath(dir.path(), options);
  REQUIRE(r.ok());
  std::vector<DocSource> sources = only_md.List();
  REQUIRE(sources.size() == 2);
  CHECK(sources[0].uri == FileUri(dir.path() / "a.md"));
  CHECK(sources[1].uri == FileUri(dir.path() / "build" / "d.md"));
}

TEST_CASE("files over the size bound are skipped and reported") {
  TempDir dir;
  WriteFile(dir.path() / "big.txt", std::string(3000, 'a'));
  WriteFile(dir.path() / "small.txt", "small");
  DocIndex index(":memory:");
  AddPathOptions options;
  options.max_file_bytes = 2048;
  size_t progress_calls = 0;
  options.progress = [&](const AddProgress& p) { progress_calls = p.files_done; };
  Result<AddSummary> r = index.AddPath(dir.path(), options);
  REQUIRE(r.ok());
  CHECK(r->added == 1);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0].reason == "larger than 2 KiB");
  CHECK(progress_calls == 2);
}

TEST_CASE("adding a path that does not exist fails with the path in the message") {
  DocIndex index(":memory:");
  Result<AddSummary> r = index.AddPath("/nonexistent/intern-docs", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kNotFound);
  CHECK(r.message() == "no such file or folder: /nonexistent/intern-docs");
}

TEST_CASE("remove takes an id, a URI, a path or a folder, and names docs list when unknown") {
  TempDir dir;
  WriteFile(dir.path() / "x" / "a.md", "alpha");
  WriteFile(dir.path() / "x" / "b.md", "alpha");
  WriteFile(dir.path() / "c.md", "alpha");
  DocIndex index(":memory:");
  REQUIRE(index.AddPath(dir.path(), {}).ok());
  AddReport web = index.AddText("https://example.invalid/p", "alpha", DocKind::kText);

  Result<std::vector<DocSource>> r = index.Remove(std::to_string(web.source_id));
  REQUIRE(r.ok());
  CHECK(r->at(0).uri == "https://example.invalid/p");
  r = index.Remove((dir.path() / "x").string());
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  r = index.Remove(FileUri(dir.path() / "c.md"));
  REQUIRE(r.ok());
  CHECK(index.List().empty());
  CHECK(MustSearch(index, "alpha").empty());

  r = index.Remove("https://example.invalid/never");
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kNotFound);
  CHECK(r.message() ==
        "no indexed source has the URI or id https://example.invalid/never; `intern docs list` "
        "shows what is indexed");
}

TEST_CASE("the index persists in its file and reopens with its sources") {
  TempDir dir;
  std::string path = (dir.path() / "nested" / "docs.db").string();
  {
    DocIndex index(path);
    index.AddText("u", "persistent words", DocKind::kText, "subj", "Hint");
  }
  DocIndex again(path);
  std::vector<DocSource> sources = again.List();
  REQUIRE(sources.size() == 1);
  CHECK(sources[0].title == "Hint");
  CHECK(sources[0].subject == "subj");
  CHECK(sources[0].kind == "text");
  CHECK(sources[0].added_at.size() == 20);
  CHECK(MustSearch(again, "persistent").size() == 1);
}

TEST_CASE("an index path that cannot be created is an error naming the path") {
  TempDir dir;
  WriteFile(dir.path() / "file", "x");
  std::string path = (dir.path() / "file" / "docs.db").string();
  CHECK_THROWS_WITH(DocIndex(path), Catch::StartsWith("opening document index at " + path + ": "));
}

TEST_CASE("searches from several threads run while another thread adds sources") {
  DocIndex index(":memory:");
  index.AddText("seed", "shared word", DocKind::kText);
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Result<std::vector<DocHit>> r = index.Search("shared word");
        if (!r.ok() || r->empty()) ++failures;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    index.AddText("u" + std::to_string(i), "shared word " + std::to_string(i), DocKind::kText);
  }
  for (std::thread& t : readers) t.join();
  CHECK(failures == 0);
  CHECK(index.List().size() == 51);
}

TEST_CASE("file kinds come from the extension, or from an html prologue") {
  CHECK(KindForFile("a/README.md", "") == DocKind::kMarkdown);
  CHECK(KindForFile("a/page.HTM", "") == DocKind::kHtml);
  CHECK(KindForFile("a/NEWS", "  <!DOCTYPE html><html>") == DocKind::kHtml);
  CHECK(KindForFile("a/README.Debian", "Hello") == DocKind::kText);
}

}  // namespace
}  // namespace intern::tools
