#pragma once
// Small pieces shared by the published HTML pages (agent/publish/comparison_html.h and
// site_index.h): escaping, link safety, readable times and the one embedded stylesheet.
//
// Everything a page shows came from a model, a web page or a person, so every piece of text goes
// through HtmlEscape and only http(s) URLs ever become an href. Pure functions.

#include <string>
#include <string_view>

namespace intern::agent::publish {

// `text` safe as element content and inside a double- or single-quoted attribute: & < > " '
// become entities, and NUL (which browsers turn into U+FFFD anyway) is dropped.
std::string HtmlEscape(std::string_view text);

// True for an absolute http(s) URL without spaces, quotes or angle brackets: the only URLs the
// pages link to. Anything else ("javascript:…", "sandbox:rcpt-7") is shown as text.
bool IsWebUrl(std::string_view url);

// "2026-11-21 10:00 UTC" for an RFC 3339 UTC time ("2026-11-21T10:00:00.000Z"); other text is
// returned unchanged (the caller escapes it).
std::string ReadableTime(std::string_view rfc3339);

// "1,048,576".
std::string GroupedNumber(long long n);

// The stylesheet embedded in every page: responsive (one column on a phone), high-contrast
// colours, bars drawn by inline SVG classes `bar`, `track`, `ship`, `skip`.
std::string_view SiteStylesheet();

}  // namespace intern::agent::publish
