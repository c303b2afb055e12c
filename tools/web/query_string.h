#pragma once
// Percent-encoding for the look-up tools' request URLs (GitHub search, Hub search, model ids).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace intern::tools {

// application/x-www-form-urlencoded: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, space as
// '+', every other byte as %XX (upper-case hex). "github language:Python" →
// "github+language%3APython".
std::string FormEncode(std::string_view text);

// One path segment: like FormEncode but space is %20. Keeps nothing that could end the segment.
std::string PathSegmentEncode(std::string_view text);

// "k1=v1&k2=v2" with FormEncode'd values, in the given order; pairs with an empty value are kept.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace intern::tools
