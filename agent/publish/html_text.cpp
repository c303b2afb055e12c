#include "agent/publish/html_text.h"

#include <fmt/format.h>

namespace intern::agent::publish {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        break;
      default:
        out += ch;
    }
  }
  return out;
}

bool IsWebUrl(std::string_view url) {
  bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  if (!scheme) return false;
  for (unsigned char ch : url) {
    if (ch <= ' ' || ch == '"' || ch == '\'' || ch == '<' || ch == '>' || ch == '`' || ch == 0x7f)
      return false;
  }
  return true;
}

std::string ReadableTime(std::string_view t) {
  // Only the fixed-width form the store and the workflow write: "YYYY-MM-DDTHH:MM..." ending in Z.
  if (t.size() < 17 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t.back() != 'Z') {
    return std::string(t);
  }
  return fmt::format("{} {} UTC", t.substr(0, 10), t.substr(11, 5));
}

std::string GroupedNumber(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string_view SiteStylesheet() {
  // Colours: every text colour is at least 6.5:1 against its background; bar fills at least 3:1
  // (WCAG 1.4.11 for graphics). One column below 40rem.
  return R"css(
:root{--ink:#1b1b1b;--muted:#454545;--line:#c9ccd1;--soft:#f3f4f6;--accent:#0a4a85;
--ship:#1b6332;--skip:#9c2424;--track:#dfe2e6}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;overflow-wrap:break-word;color:var(--ink);background:#fff;
font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.wrap{max-width:62rem;margin:0 auto;padding:0 1rem}
a{color:var(--accent);overflow-wrap:anywhere}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip-link{position:absolute;left:-999rem}
.skip-link:focus{left:1rem;top:.5rem;background:#fff;padding:.5rem;z-index:1}
header.site{border-bottom:1px solid var(--line);padding:.75rem 0}
header.site nav a{font-weight:600;text-decoration:none}
h1{font-size:2rem;line-height:1.2;margin:1.25rem 0 .5rem}
h2{font-size:1.4rem;margin:2rem 0 .75rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
.question{font-size:1.15rem;color:var(--muted);margin-top:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem;
padding:0;list-style:none}
.card{border:1px solid var(--line);border-radius:.5rem;padding:1rem;background:var(--soft)}
.card h2,.card h3{margin:0 0 .25rem;border:0;padding:0}
.tagline{font-style:italic;margin:.25rem 0 .75rem}
.verdict{font-weight:700;font-size:1.15rem;margin:.25rem 0}
.verdict.ship{color:var(--ship)}
.verdict.skip{color:var(--skip)}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;color:var(--muted);padding:.25rem 0;overflow-wrap:anywhere}
th,td{border-bottom:1px solid var(--line);padding:.5rem;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
thead th{border-bottom:2px solid var(--ink)}
tbody th{font-weight:600}
.bar{display:block;width:100%;max-width:14rem;height:.8rem;margin:.2rem 0}
.bar .track{fill:var(--track)}
.bar .ship{fill:var(--ship)}
.bar .skip{fill:var(--skip)}
.score{font-variant-numeric:tabular-nums;white-space:nowrap}
.abstain{color:var(--muted);font-style:italic}
.cite{font-size:.85em;white-space:nowrap;text-decoration:none}
.note{color:var(--muted)}
.flags{border-left:4px solid #8a4b00;background:#fff5e8;padding:.5rem 1rem}
ol.evidence{padding-left:2rem}
ol.evidence li{margin:.5rem 0;overflow-wrap:anywhere}
ol.evidence q{display:block;color:var(--muted)}
footer.site{border-top:1px solid var(--line);margin-top:2.5rem;padding:1rem 0 2rem;
color:var(--muted);font-size:.95rem}
@media (max-width:40rem){h1{font-size:1.5rem}th,td{padding:.4rem .3rem}.wrap{padding:0 .75rem}}
)css";
}

}  // namespace intern::agent::publish
