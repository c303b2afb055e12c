#pragma once
// The site's table of contents: `index.json` (machine-readable) and `index.html` (the page that
// lists every published comparison, newest first), and the slug a comparison is filed under.
//
// The index is regenerated on every publish from the index.json already in the site repository
// plus the entry being published: an entry with the same slug is replaced (re-publishing a
// comparison moves it to the top), every other entry is kept as it was.
//
// Pure and deterministic; no file or git access here.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "agent/comparison.h"

namespace intern::agent::publish {

inline constexpr std::string_view kSiteIndexSchema = "intern.site-index/v1";

struct IndexEntry {
  std::string slug;  // comparisons/<slug>.{html,md,json}
  std::string title;
  std::string question;
  std::array<std::string, 2> subjects;
  std::array<std::string, 2> verdicts;  // "Ship · 3 ship / 1 skip"
  std::string published_at;             // RFC 3339 UTC
  std::string approved_by;
  std::string draft_id;
  std::string session_id;
  bool operator==(const IndexEntry&) const = default;
};

// The file name stem for `comparison`: its two subject names, each lower-cased with every run of
// characters other than ASCII letters and digits turned into one '-', joined by "-vs-"
// ("Gemma 3n", "SmolVLM2" -> "gemma-3n-vs-smolvlm2"). The same pair in the same order always
// gets the same slug, so a re-run replaces the earlier page. A name with no usable character
// becomes "subject"; each half is cut to 60 characters.
std::string ComparisonSlug(const Comparison& comparison);

// The index entry of `comparison` published at `published_at`.
IndexEntry EntryFor(const Comparison& comparison, const std::string& slug,
                    const std::string& published_at, const std::string& approved_by,
                    const std::string& draft_id);

// Entries read from index.json text. Lenient: "" or text that is not an index gives no entries,
// and an entry without a usable slug is dropped (the site is regenerated, never refused, because
// of a damaged index).
std::vector<IndexEntry> ParseSiteIndex(std::string_view json_text);

// `entries` with `entry` in place of any entry of the same slug, sorted newest first
// (published_at descending; ties by slug).
std::vector<IndexEntry> UpsertEntry(std::vector<IndexEntry> entries, IndexEntry entry);

// index.json: {"schema": "intern.site-index/v1", "comparisons": [...]} in the given order, each
// entry with its file paths (html, md, json) relative to the site root.
std::string RenderSiteIndexJson(const std::vector<IndexEntry>& entries);

// index.html: the comparisons in the given order, each linking to comparisons/<slug>.html with
// its verdicts, question, publication date and reviewer. Same stylesheet, landmarks and escaping
// as the comparison pages.
std::string RenderSiteIndexHtml(const std::vector<IndexEntry>& entries);

}  // namespace intern::agent::publish
