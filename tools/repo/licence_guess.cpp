#include "tools/repo/licence_guess.h"

#include <cctype>

namespace intern::tools {
namespace {

// Lower case, every run of non-alphanumerics one space: line breaks, punctuation and Markdown
// decoration then do not matter to the phrase match.
std::string Normalise(std::string_view text) {
  std::string out = " ";
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

bool Has(const std::string& text, std::string_view phrase) {
  return text.find(phrase) != std::string::npos;
}

}  // namespace

std::string GuessSpdx(std::string_view licence_text) {
  const std::string t = Normalise(licence_text);
  // Order matters where one text quotes another: the LGPL and AGPL name the GPL, so they are
  // tested first.
  if (Has(t, " gnu affero general public license ")) return "AGPL-3.0";
  if (Has(t, " gnu lesser general public license ") || Has(t, " gnu library general public ")) {
    return Has(t, " version 3 ") ? "LGPL-3.0" : "LGPL-2.1";
  }
  if (Has(t, " gnu general public license ")) {
    if (Has(t, " version 3 ")) return "GPL-3.0";
    if (Has(t, " version 2 ")) return "GPL-2.0";
    return "NOASSERTION";
  }
  if (Has(t, " apache license ") && Has(t, " version 2 0 ")) return "Apache-2.0";
  if (Has(t, " mozilla public license ") && Has(t, " 2 0 ")) return "MPL-2.0";
  if (Has(t, " this is free and unencumbered software released into the public domain ")) {
    return "Unlicense";
  }
  if (Has(t, " boost software license version 1 0 ")) return "BSL-1.0";
  if (Has(t, " cc0 1 0 universal ")) return "CC0-1.0";
  if (Has(t, " creative commons ") && Has(t, " attribution sharealike 4 0 ")) return "CC-BY-SA-4.0";
  if (Has(t, " creative commons attribution 4 0 international ")) return "CC-BY-4.0";
  if (Has(t, " permission is hereby granted free of charge to any person obtaining a copy ")) {
    return "MIT";
  }
  if (Has(t, " permission to use copy modify and or distribute this software for any purpose ")) {
    return "ISC";
  }
  if (Has(t, " redistribution and use in source and binary forms with or without modification ")) {
    // The third clause forbids using the authors' names to endorse derived products.
    if (Has(t, " neither the name ") || Has(t, " to endorse or promote products derived ")) {
      return "BSD-3-Clause";
    }
    return "BSD-2-Clause";
  }
  return "NOASSERTION";
}

}  // namespace intern::tools
