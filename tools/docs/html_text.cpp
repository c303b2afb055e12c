#include "tools/docs/html_text.h"

#include <gumbo.h>

#include <memory>
#include <utility>

namespace intern::tools {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string Trim(std::string s) {
  size_t end = s.size();
  while (end > 0 && IsSpace(s[end - 1])) --end;
  size_t begin = 0;
  while (begin < end && IsSpace(s[begin])) ++begin;
  return s.substr(begin, end - begin);
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

int HeadingLevel(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1:
      return 1;
    case GUMBO_TAG_H2:
      return 2;
    case GUMBO_TAG_H3:
      return 3;
    case GUMBO_TAG_H4:
      return 4;
    case GUMBO_TAG_H5:
      return 5;
    case GUMBO_TAG_H6:
      return 6;
    default:
      return 0;
  }
}

// Elements whose end ends a paragraph.
bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FORM:
      return true;
    default:
      return false;
  }
}

// Elements that start a new line inside the current paragraph.
bool IsLine(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_LI:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BR:
      return true;
    default:
      return false;
  }
}

// Sectioning content: a header or footer inside one of these belongs to it (an article's title
// block), not to the page chrome.
bool IsContentSection(GumboTag tag) {
  return tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_SECTION;
}

const char* Attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a == nullptr ? nullptr : a->value;
}

class Extractor {
 public:
  HtmlText Run(const GumboNode* root) {
    struct Frame {
      const GumboNode* node;
      unsigned next_child;
    };
    // An explicit stack: documents nest deeply enough to exhaust a recursive walk.
    std::vector<Frame> stack;
    if (Enter(root)) stack.push_back({root, 0});
    while (!stack.empty()) {
      Frame& top = stack.back();
      const GumboVector& children = top.node->v.element.children;
      if (top.next_child < children.length) {
        auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
        if (Enter(child)) stack.push_back({child, 0});
        continue;
      }
      Leave(top.node);
      stack.pop_back();
    }
    FlushParagraph();
    return std::move(out_);
  }

 private:
  // Handles the start of `node`; true when its children should be visited.
  bool Enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        AppendText(node->v.text.text);
        return false;
      case GUMBO_NODE_DOCUMENT:
        return true;
      case GUMBO_NODE_ELEMENT:
        break;
      default:  // comments, <template> contents
        return false;
    }
    const GumboElement& e = node->v.element;
    if (Dropped(e)) return false;
    GumboTag tag = e.tag;
    if (tag == GUMBO_TAG_TITLE) {
      if (out_.title.empty()) out_.title = CollapseSpaces(TextOf(node));
      return false;
    }
    if (int level = HeadingLevel(tag); level > 0) {
      FlushParagraph();
      heading_level_ = level;
      heading_.clear();
      return true;
    }
    if (IsBlock(tag)) FlushParagraph();
    if (IsLine(tag)) NewLine();
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) pending_space_ = true;
    if (tag == GUMBO_TAG_PRE) ++pre_depth_;
    if (IsContentSection(tag)) ++content_depth_;
    return true;
  }

  void Leave(const GumboNode* node) {
    if (node->type != GUMBO_NODE_ELEMENT) return;
    GumboTag tag = node->v.element.tag;
    if (HeadingLevel(tag) > 0 && heading_level_ > 0) {
      std::string text = Trim(CollapseSpaces(heading_));
      if (!text.empty()) out_.blocks.push_back({heading_level_, std::move(text)});
      heading_level_ = 0;
      heading_.clear();
      pending_space_ = false;
      return;
    }
    if (IsBlock(tag)) FlushParagraph();
    if (IsLine(tag)) NewLine();
    if (tag == GUMBO_TAG_PRE) --pre_depth_;
    if (IsContentSection(tag)) --content_depth_;
  }

  bool Dropped(const GumboElement& e) const {
    switch (e.tag) {
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_SVG:
      case GUMBO_TAG_MATH:
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_CANVAS:
      case GUMBO_TAG_BUTTON:
      case GUMBO_TAG_SELECT:
      case GUMBO_TAG_TEXTAREA:
      case GUMBO_TAG_NAV:
      case GUMBO_TAG_ASIDE:
        return true;
      case GUMBO_TAG_HEADER:
      case GUMBO_TAG_FOOTER:
        if (content_depth_ == 0) return true;
        break;
      default:
        break;
    }
    if (Attribute(e, "hidden") != nullptr) return true;
    if (const char* aria = Attribute(e, "aria-hidden");
        aria != nullptr && std::string_view(aria) == "true") {
      return true;
    }
    if (const char* role = Attribute(e, "role")) {
      std::string_view r(role);
      if (r == "navigation" || r == "banner" || r == "contentinfo" || r == "search") return true;
    }
    return false;
  }

  static std::string TextOf(const GumboNode* node) {
    std::string text;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
        text += child->v.text.text;
      }
    }
    return text;
  }

  std::string& Target() { return heading_level_ > 0 ? heading_ : paragraph_; }

  void AppendText(const char* text) {
    std::string& target = Target();
    if (pre_depth_ > 0 && heading_level_ == 0) {
      if (pending_space_ && !target.empty() && target.back() != '\n') target.push_back(' ');
      pending_space_ = false;
      target += text;
      return;
    }
    for (const char* p = text; *p != '\0'; ++p) {
      if (IsSpace(*p)) {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !target.empty() && target.back() != '\n' && target.back() != ' ') {
        target.push_back(' ');
      }
      pending_space_ = false;
      target.push_back(*p);
    }
  }

  void NewLine() {
    std::string& target = Target();
    if (!target.empty() && target.back() != '\n') target.push_back('\n');
    pending_space_ = false;
  }

  void FlushParagraph() {
    std::string text = Trim(std::move(paragraph_));
    paragraph_.clear();
    pending_space_ = false;
    if (!text.empty()) out_.blocks.push_back({0, std::move(text)});
  }

  HtmlText out_;
  std::string paragraph_;
  std::string heading_;
  int heading_level_ = 0;
  int pre_depth_ = 0;
  int content_depth_ = 0;
  bool pending_space_ = false;
};

struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};

}  // namespace

HtmlText ExtractHtmlText(std::string_view html) {
  std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
  if (output == nullptr) return {};
  return Extractor().Run(output->root);
}

}  // namespace intern::tools
