// The self-contained fallback HTML to text of fetch_page (tools/web/fetch_page_tool.h).

#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "tools/web/fetch_page_tool.h"

namespace intern::tools {
namespace {

constexpr char kBreak = '\x01';  // a block boundary, turned into a blank line at the end

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Text with the common entities decoded; unknown ones are kept as written.
std::string DecodeEntities(std::string_view s) {
  struct Named {
    std::string_view name;
    std::string_view text;
  };
  static constexpr std::array<Named, 9> kNamed = {{{"amp", "&"},
                                                   {"lt", "<"},
                                                   {"gt", ">"},
                                                   {"quot", "\""},
                                                   {"apos", "'"},
                                                   {"nbsp", " "},
                                                   {"mdash", "\u2014"},
                                                   {"ndash", "\u2013"},
                                                   {"hellip", "\u2026"}}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::size_t semi = s[i] == '&' ? s.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits(name.substr(hex ? 2 : 1));
      try {
        std::size_t used = 0;
        unsigned long cp = std::stoul(digits, &used, hex ? 16 : 10);
        if (used == digits.size()) {
          AppendUtf8(out, cp);
          done = true;
        }
      } catch (const std::exception&) {
      }
    } else {
      for (const Named& n : kNamed) {
        if (n.name == name) {
          out += n.text;
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool IsBlock(const std::string& tag) {
  static constexpr std::array<std::string_view, 24> kBlocks = {
      "p",  "div", "br",      "li",     "ul",     "ol",         "h1",   "h2",
      "h3", "h4",  "h5",      "h6",     "tr",     "table",      "pre",  "section",
      "hr", "dd",  "article", "header", "footer", "blockquote", "main", "dt"};
  for (std::string_view b : kBlocks) {
    if (b == tag) return true;
  }
  return false;
}

bool IsSkipped(const std::string& tag) {
  return tag == "script" || tag == "style" || tag == "noscript" || tag == "template" ||
         tag == "svg" || tag == "head";
}

// Collapses whitespace within blocks and joins the blocks with blank lines.
std::string Tidy(const std::string& raw) {
  std::string out;
  std::string block;
  auto flush = [&] {
    std::size_t b = block.find_first_not_of(' ');
    std::size_t e = block.find_last_not_of(' ');
    if (b != std::string::npos) {
      if (!out.empty()) out += "\n\n";
      out += block.substr(b, e - b + 1);
    }
    block.clear();
  };
  for (char c : raw) {
    if (c == kBreak) {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      if (!block.empty() && block.back() != ' ') block += ' ';
    } else {
      block += c;
    }
  }
  flush();
  return out;
}

}  // namespace

PageText StripTagsHtmlToText(std::string_view html) {
  PageText page;
  std::string raw;
  std::size_t i = 0;
  while (i < html.size()) {
    std::size_t lt = html.find('<', i);
    raw += DecodeEntities(
        html.substr(i, lt == std::string_view::npos ? std::string_view::npos : lt - i));
    if (lt == std::string_view::npos) break;
    if (html.compare(lt, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", lt + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::size_t gt = html.find('>', lt);
    if (gt == std::string_view::npos) break;
    std::string_view inside = html.substr(lt + 1, gt - lt - 1);
    const bool closing = !inside.empty() && inside[0] == '/';
    if (closing) inside.remove_prefix(1);
    std::size_t name_end = 0;
    while (name_end < inside.size() &&
           (std::isalnum(static_cast<unsigned char>(inside[name_end])) != 0)) {
      ++name_end;
    }
    const std::string tag = Lower(inside.substr(0, name_end));
    i = gt + 1;
    if (!closing && (tag == "title" || IsSkipped(tag))) {
      // Everything up to the matching end tag is not page text; a <title> inside <head> is
      // captured here before the head is skipped.
      const std::string lower = Lower(html.substr(i));
      if (tag == "head") {
        std::size_t t = lower.find("<title");
        std::size_t head_end = lower.find("</head");
        if (t != std::string::npos && (head_end == std::string::npos || t < head_end)) {
          std::size_t t_gt = lower.find('>', t);
          std::size_t t_end = lower.find("</title", t);
          if (t_gt != std::string::npos && t_end != std::string::npos && t_gt < t_end) {
            page.title = Tidy(DecodeEntities(html.substr(i + t_gt + 1, t_end - t_gt - 1)));
          }
        }
      }
      std::size_t end = lower.find("</" + tag);
      if (tag == "title" && end != std::string::npos) {
        page.title = Tidy(DecodeEntities(html.substr(i, end)));
      }
      if (end == std::string::npos) {
        i = html.size();
      } else {
        std::size_t close = html.find('>', i + end);
        i = close == std::string_view::npos ? html.size() : close + 1;
      }
      continue;
    }
    if (IsBlock(tag)) {
      raw += kBreak;
    } else if (tag == "td" || tag == "th") {
      raw += ' ';  // keep table cells apart
    }
  }
  page.text = Tidy(raw);
  return page;
}

}  // namespace intern::tools
