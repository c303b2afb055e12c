#pragma once
// The two programs a review hands the terminal to: the pager that shows a draft and the editor
// that edits its JSON. Both run as children that inherit this process's terminal, and this
// process waits for them.
//
// Pager: `$PAGER` when set and not blank, else `less -R`, run through /bin/sh with the text on
// its standard input. When the pager cannot be started (the shell reports 127, "command not
// found"), the next choice is tried; when none can, ShowInPager returns false and the caller
// prints the text inline.
//
// Editor: `$VISUAL`, else `$EDITOR`, else `vi`, run through /bin/sh as `<editor> "$1"` with the
// path of a temporary file (mode 0600, removed afterwards) holding `text`; the file's content
// after the editor exits 0 is returned. Failure (kUnavailable / kIo) when the editor exits
// non-zero or is killed ("the editor (vim) exited with status 1; nothing was changed").
//
// Environment is read through the function given (tests pass their own). Not thread-safe with
// respect to the terminal (one child at a time).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/result.h"

namespace intern::agent {

using GetEnv = std::function<std::optional<std::string>(const std::string& name)>;
// std::getenv as a GetEnv.
GetEnv ProcessEnv();

// The shell commands ShowInPager tries, in order.
std::vector<std::string> PagerCommands(const GetEnv& env);
// The editor command EditInEditor runs.
std::string EditorCommand(const GetEnv& env);

// True when one of the pagers showed `text` and exited.
bool ShowInPager(const std::string& text, const GetEnv& env);

Result<std::string> EditInEditor(const std::string& text, const GetEnv& env);

}  // namespace intern::agent
