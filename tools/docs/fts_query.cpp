// FtsQuery: free text to a safe FTS5 expression (declared in doc_index.h).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tools/docs/doc_index.h"

namespace intern::tools {
namespace {

// Words so common in English prose that they only slow a query down and blur its ranking.
constexpr std::array<std::string_view, 44> kStopWords = {
    "a",    "an",  "and",  "are",  "as",   "at",    "be",    "but",  "by",    "can",   "do",
    "does", "for", "from", "how",  "i",    "if",    "in",    "into", "is",    "it",    "its",
    "my",   "of",  "on",   "or",   "so",   "that",  "the",   "then", "there", "these", "this",
    "to",   "was", "we",   "what", "when", "where", "which", "who",  "why",   "with",  "you"};

bool IsStopWord(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return std::find(kStopWords.begin(), kStopWords.end(), lower) != kStopWords.end();
}

// A term the tokenizer will find a token in: an ASCII letter or digit, or any non-ASCII byte.
bool HasWordCharacter(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
  }
  return false;
}

struct Term {
  std::string text;
  bool phrase = false;
  bool prefix = false;
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::vector<Term> ParseTerms(std::string_view query) {
  std::vector<Term> terms;
  size_t i = 0;
  bool open_quote_seen = false;
  while (i < query.size()) {
    if (IsSpace(query[i])) {
      ++i;
      continue;
    }
    if (query[i] == '"' && !open_quote_seen) {
      size_t close = query.find('"', i + 1);
      if (close != std::string_view::npos) {
        terms.push_back({std::string(query.substr(i + 1, close - i - 1)), true, false});
        i = close + 1;
        continue;
      }
      // An unterminated quote: the rest is plain words.
      open_quote_seen = true;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < query.size() && !IsSpace(query[end]) && !(query[end] == '"' && end > i)) ++end;
    std::string word(query.substr(i, end - i));
    i = end;
    word.erase(std::remove(word.begin(), word.end(), '"'), word.end());
    Term term{word, false, false};
    if (!term.text.empty() && term.text.back() == '*') {
      while (!term.text.empty() && term.text.back() == '*') term.text.pop_back();
      term.prefix = true;
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

}  // namespace

std::vector<std::string> FtsTerms(std::string_view query) {
  constexpr size_t kMaxTerms = 32;
  std::vector<Term> terms;
  for (Term& t : ParseTerms(query)) {
    if (!HasWordCharacter(t.text)) continue;
    bool duplicate = std::any_of(terms.begin(), terms.end(), [&](const Term& u) {
      return u.text == t.text && u.phrase == t.phrase && u.prefix == t.prefix;
    });
    if (!duplicate) terms.push_back(std::move(t));
  }
  bool has_content_word = std::any_of(terms.begin(), terms.end(), [](const Term& t) {
    return t.phrase || t.prefix || !IsStopWord(t.text);
  });
  std::vector<std::string> out;
  for (const Term& t : terms) {
    if (has_content_word && !t.phrase && !t.prefix && IsStopWord(t.text)) continue;
    if (out.size() == kMaxTerms) break;
    out.push_back(Quote(t.text) + (t.prefix ? "*" : ""));
  }
  return out;
}

std::string FtsQuery(std::string_view query, bool match_all) {
  std::string out;
  for (const std::string& term : FtsTerms(query)) {
    if (!out.empty()) out += match_all ? " AND " : " OR ";
    out += term;
  }
  return out;
}

}  // namespace intern::tools
