// Host directories that may hold API keys (homes, the user's configuration and data, intern's
// home) are empty inside the sandbox although the host's root is mounted read-only (DESIGN §9).

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "sandbox/hidden_paths.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace intern::sandbox::testing {
namespace {

// Sets environment variables for one test and puts the old values back.
class EnvGuard {
 public:
  void Set(const std::string& name, const std::string& value) {
    if (saved_.count(name) == 0) {
      const char* old = ::getenv(name.c_str());
      saved_[name] = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
    }
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvGuard() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

void Plant(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0644);
}

// A home, a configuration with a key, a data directory and an intern home under /var/tmp (the
// sandbox's /tmp is private anyway, so a planted file there would prove nothing), plus a file
// beside them that is not hidden, to show the command could read what was planted.
struct PlantedHost {
  TempDir base{"/var/tmp"};
  EnvGuard env;
  std::string script;

  PlantedHost() {
    ::chmod(base.path().c_str(), 0755);
    const std::string& b = base.path();
    Plant(b + "/home/.netrc", "machine api password sk-home\n");
    Plant(b + "/config/intern/config.toml", "api_key = \"sk-config\"\n");
    Plant(b + "/data/intern/token", "sk-data\n");
    Plant(b + "/intern-home/store.db", "sk-intern-home\n");
    Plant(b + "/visible/readme", "visible\n");
    for (const char* dir : {"/home", "/config", "/config/intern", "/data", "/data/intern",
                            "/intern-home", "/visible"}) {
      ::chmod((b + dir).c_str(), 0755);
    }
    env.Set("HOME", b + "/home");
    env.Set("XDG_CONFIG_HOME", b + "/config");
    env.Set("XDG_DATA_HOME", b + "/data");
    env.Set("INTERN_HOME", b + "/intern-home");
    script = "for f in " + b + "/home/.netrc " + b + "/config/intern/config.toml " + b +
             "/data/intern/token " + b + "/intern-home/store.db; do "
             "[ -e \"$f\" ] && echo \"saw $f\"; done; "
             "cat " + b + "/visible/readme; { ls -A " + b + "/home; ls -A " + b +
             "/intern-home; } | wc -l";
  }
};

}  // namespace

TEST_CASE("hidden host paths are canonical existing directories outside /tmp, outermost only",
          "[sandbox][hidden]") {
  TempDir base{"/var/tmp"};
  const std::string& b = base.path();
  std::filesystem::create_directories(b + "/home/user/.config");
  std::filesystem::create_directories(b + "/scratch");
  std::filesystem::create_directories(b + "/home-other");
  std::filesystem::create_symlink(b + "/home-other", b + "/link");
  TempDir under_tmp;
  std::vector<std::string> hidden = HiddenHostPaths(
      {b + "/home/user/.config", b + "/home", b + "/missing", "relative/dir", "/", under_tmp.path(),
       b + "/scratch", b + "/link", b + "/home-other/", "/proc", ""},
      b + "/scratch");
  CHECK(hidden == std::vector<std::string>{b + "/home", b + "/home-other"});
}

TEST_CASE("the candidates are the homes, /etc/intern and the user's config, data and intern home",
          "[sandbox][hidden]") {
  EnvGuard env;
  env.Set("HOME", "/h");
  env.Set("XDG_CONFIG_HOME", "/c");
  env.Set("XDG_DATA_HOME", "/d");
  env.Set("INTERN_HOME", "/i");
  CHECK(HiddenCandidates() ==
        std::vector<std::string>{"/root", "/home", "/etc/intern", "/h", "/c", "/d", "/i"});
}

TEST_CASE("a native sandboxed command cannot read the user's home, config, data or intern home",
          "[sandbox][hidden]") {
  PlantedHost host;
  TempDir scratch;
  RunSpec spec = Shell(host.script);
  spec.scratch_dir = scratch.path();
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "visible\n0\n");
  CHECK(r->exit_code == 0);
}

TEST_CASE("a bwrap sandboxed command cannot read the user's home, config, data or intern home",
          "[sandbox][hidden][bwrap]") {
  if (::access("/usr/bin/bwrap", X_OK) != 0) {
    WARN("skipped: /usr/bin/bwrap is not installed");
    return;
  }
  PlantedHost host;
  TempDir scratch;
  RunSpec spec = Shell(host.script);
  spec.scratch_dir = scratch.path();
  auto r = MakeSandbox(Options(Backend::kBubblewrap))->Run(spec);
  REQUIRE(r.ok());
  INFO("stderr: " << r->err.head);
  CHECK(r->out.head == "visible\n0\n");
  CHECK(r->exit_code == 0);
}

TEST_CASE("a scratch directory inside the hidden home is still the command's scratch",
          "[sandbox][hidden]") {
  PlantedHost host;
  std::string scratch = host.base.path() + "/intern-home/scratch";
  std::filesystem::create_directories(scratch);
  ::chmod(scratch.c_str(), 0777);
  RunSpec spec = Shell("echo kept > out.txt; ls -A " + host.base.path() + "/intern-home | wc -l");
  spec.scratch_dir = scratch;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "0\n");
  CHECK(ReadHostFile(scratch + "/out.txt") == "kept\n");
}

}  // namespace intern::sandbox::testing
