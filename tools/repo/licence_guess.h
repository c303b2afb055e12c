#pragma once
// A guess at the SPDX identifier of a licence file, from key phrases. It recognises the common
// licences by wording that only they use; anything else is "NOASSERTION" (the SPDX word for "we
// did not determine it"), never a wrong name. Identifiers follow GitHub's licence API
// ("GPL-3.0", not "GPL-3.0-only": a licence file alone does not say "or later"), so the same
// repository gets the same name from repo_inspect and github_lookup.

#include <string>
#include <string_view>

namespace intern::tools {

// One of: MIT, Apache-2.0, BSD-2-Clause, BSD-3-Clause, GPL-2.0, GPL-3.0, LGPL-2.1, LGPL-3.0,
// AGPL-3.0, MPL-2.0, ISC, Unlicense, BSL-1.0, CC0-1.0, CC-BY-4.0, CC-BY-SA-4.0, or NOASSERTION.
std::string GuessSpdx(std::string_view licence_text);

}  // namespace intern::tools
