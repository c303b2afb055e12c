#include <fmt/format.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <seccomp.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <toml++/toml.h>

#include "agent/cli/cli.h"
#include "agent/version.h"

namespace intern::agent {

void AttachVersionCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.callback([&ctx] {
    int git_major = 0, git_minor = 0, git_rev = 0;
    git_libgit2_version(&git_major, &git_minor, &git_rev);
    const scmp_version* seccomp = seccomp_version();
    ctx.out << fmt::format("intern {}\n", kVersion);
    ctx.out << fmt::format(
        "libraries: SQLite {}, libgit2 {}.{}.{}, {}, libseccomp {}.{}.{}, Boost {}.{}, toml++ "
        "{}.{}, nlohmann/json {}.{}.{}, CLI11 {}, fmt {}.{}\n",
        sqlite3_libversion(), git_major, git_minor, git_rev, OpenSSL_version(OPENSSL_VERSION),
        seccomp->major, seccomp->minor, seccomp->micro, BOOST_VERSION / 100000,
        BOOST_VERSION / 100 % 1000, TOML_LIB_MAJOR, TOML_LIB_MINOR, NLOHMANN_JSON_VERSION_MAJOR,
        NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH, CLI11_VERSION,
        FMT_VERSION / 10000, FMT_VERSION / 100 % 100);
  });
}

}  // namespace intern::agent
