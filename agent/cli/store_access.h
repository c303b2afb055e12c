#pragma once
// Where the CLI finds the session store. Interim: the config module will own this (an
// INTERN_HOME layer and a store path key); until then commands call StorePath().

#include <filesystem>
#include <functional>

namespace intern::agent {

// The environment as a function, so tests need not change the process environment. Returns
// nullptr for an unset variable.
using GetEnv = std::function<const char*(const char*)>;

// $INTERN_HOME/intern.db, else $XDG_DATA_HOME/intern/intern.db, else
// $HOME/.local/share/intern/intern.db. Empty variables count as unset. Throws intern::Error when
// none of the three is set.
std::filesystem::path StorePath(const GetEnv& getenv);
// The same, from the process environment.
std::filesystem::path StorePath();

}  // namespace intern::agent
