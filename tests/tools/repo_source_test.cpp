#include "tools/repo/repo_source.h"

#include <catch2/catch.hpp>

namespace intern::tools {
namespace {

RepoSource Parsed(std::string_view repo, const RepoSourceOptions& options = {}) {
  Result<RepoSource> source = ParseRepoSource(repo, options);
  INFO(repo << ": " << (source.ok() ? "" : source.message()));
  REQUIRE(source.ok());
  return *source;
}

std::string Rejection(std::string_view repo, const RepoSourceOptions& options = {}) {
  Result<RepoSource> source = ParseRepoSource(repo, options);
  INFO(repo);
  REQUIRE_FALSE(source.ok());
  CHECK(source.code() == ErrorCode::kInvalidArgument);
  return source.message();
}

TEST_CASE("an https URL is fetched as given, without trailing slashes, with its default port") {
  RepoSource s = Parsed("  https://GitHub.com/ggml-org/llama.cpp.git/ ");
  CHECK(s.kind == RepoSource::Kind::kRemote);
  CHECK(s.input == "https://GitHub.com/ggml-org/llama.cpp.git/");
  CHECK(s.fetch_url == "https://github.com/ggml-org/llama.cpp.git");
  CHECK(s.display_url == "https://github.com/ggml-org/llama.cpp.git");
  CHECK(s.host == "github.com");
  CHECK(s.port == 443);
  CHECK(s.cache_key.rfind("github.com+ggml-org+llama.cpp-", 0) == 0);
  CHECK(s.cache_key.size() == std::string("github.com+ggml-org+llama.cpp-").size() + 16);
}

TEST_CASE("http URLs keep an explicit port, and IPv6 hosts lose their brackets for the probe") {
  RepoSource s = Parsed("http://127.0.0.1:8080/a/b");
  CHECK(s.fetch_url == "http://127.0.0.1:8080/a/b");
  CHECK(s.host == "127.0.0.1");
  CHECK(s.port == 8080);
  CHECK(s.cache_key.rfind("127.0.0.1_8080+a+b-", 0) == 0);
  RepoSource v6 = Parsed("https://[::1]:9/x/y");
  CHECK(v6.fetch_url == "https://[::1]:9/x/y");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 9);
  CHECK(Parsed("http://example.org/r").port == 80);
}

TEST_CASE("owner/name expands against the configured GitHub base") {
  RepoSource s = Parsed("ggml-org/llama.cpp.git");
  CHECK(s.input == "ggml-org/llama.cpp.git");
  CHECK(s.fetch_url == "https://github.com/ggml-org/llama.cpp");
  RepoSourceOptions options;
  options.github_base = "http://127.0.0.1:7000/mirror";
  CHECK(Parsed("o/n", options).fetch_url == "http://127.0.0.1:7000/mirror/o/n");
}

TEST_CASE("a host name followed by a path is taken as an https URL") {
  RepoSource s = Parsed("gitlab.com/group/sub/project");
  CHECK(s.fetch_url == "https://gitlab.com/group/sub/project");
  CHECK(s.input == "gitlab.com/group/sub/project");
}

TEST_CASE("absolute paths and file URLs are local sources with one cache key per repository") {
  RepoSource a = Parsed("/srv/git//demo/./repo.git/");
  CHECK(a.kind == RepoSource::Kind::kLocal);
  CHECK(a.fetch_url == "/srv/git/demo/repo.git");
  CHECK(a.display_url == "file:///srv/git/demo/repo.git");
  CHECK(a.cache_key.rfind("local+repo-", 0) == 0);
  RepoSource b = Parsed("file:///srv/git/demo/repo.git");
  CHECK(b.fetch_url == a.fetch_url);
  CHECK(b.cache_key == a.cache_key);
  CHECK(Parsed("/srv/other/repo.git").cache_key != a.cache_key);  // same name, other repository
}

TEST_CASE("URLs that differ only in a trailing .git or the host's case share a cache entry") {
  CHECK(Parsed("https://github.com/o/n").cache_key ==
        Parsed("https://GITHUB.com/o/n.git").cache_key);
  CHECK(Parsed("https://github.com/o/n").cache_key != Parsed("https://github.com/o/m").cache_key);
}

TEST_CASE("each bad repo argument is rejected with the sentence that names its fix") {
  CHECK(Rejection("") ==
        "repo is empty: pass a clone URL (https://host/owner/name), an absolute repository path, "
        "or owner/name.");
  CHECK(Rejection(" \t ") == Rejection(""));
  CHECK(Rejection(std::string(2049, 'a')) ==
        "repo is longer than 2048 characters: pass one clone URL, absolute path or owner/name.");
  CHECK(Rejection("https://github.com/o/n https://github.com/o/m") ==
        "repo contains whitespace or control characters: pass one clone URL, absolute path or "
        "owner/name.");
  CHECK(Rejection("/srv/a\x01") == Rejection("a b"));
  CHECK(Rejection("https://user:secret@github.com/o/n") ==
        "repo URL carries credentials (user:password@host): pass the URL without them.");
  CHECK(Rejection("ssh://git@github.com/o/n.git") ==
        "repo \"ssh://git@github.com/o/n.git\" is an ssh address, which needs keys intern does "
        "not have: pass the https:// clone URL instead.");
  CHECK(Rejection("git@github.com:o/n.git") ==
        "repo \"git@github.com:o/n.git\" is an ssh address, which needs keys intern does not "
        "have: pass the https:// clone URL instead.");
  CHECK(Rejection("ftp://example.org/r.git") ==
        "repo \"ftp://example.org/r.git\" uses the unsupported scheme \"ftp\": pass an "
        "https://, http:// or file:// URL, an absolute path, or owner/name.");
  CHECK(Rejection("https:///o/n") ==
        "repo \"https:///o/n\" has no host: pass a URL such as https://github.com/owner/name.");
  CHECK(Rejection("https://github.com/") ==
        "repo \"https://github.com/\" names a host but no repository: pass a URL such as "
        "https://github.com/owner/name.");
  CHECK(Rejection("https://github.com:99999/o/n") ==
        "repo \"https://github.com:99999/o/n\" has an invalid port: pass a port between 1 and "
        "65535 or none.");
  CHECK(Rejection("https://github.com:/o/n") ==
        "repo \"https://github.com:/o/n\" has an invalid port: pass a port between 1 and 65535 "
        "or none.");
  CHECK(Rejection("https://[::1/o/n") ==
        "repo \"https://[::1/o/n\" has an unclosed '[' in its host: pass a URL such as "
        "https://[::1]:8080/owner/name.");
  CHECK(Rejection("file://server/srv/r.git") ==
        "repo \"file://server/srv/r.git\" names a host or a relative path; file URLs must look "
        "like file:///absolute/path.");
  CHECK(Rejection("../../etc") ==
        "repo \"../../etc\" contains a \"..\" path component: pass an absolute path without "
        "\"..\", a clone URL, or owner/name.");
  CHECK(Rejection("/srv/git/../../etc") ==
        "repo \"/srv/git/../../etc\" contains a \"..\" path component: pass an absolute path "
        "without \"..\", a clone URL, or owner/name.");
  CHECK(Rejection("file:///srv/../etc") ==
        "repo \"file:///srv/../etc\" contains a \"..\" path component: pass an absolute path "
        "without \"..\", a clone URL, or owner/name.");
  CHECK(Rejection("o/..") ==
        "repo \"o/..\" contains a \"..\" path component: pass an absolute path without \"..\", "
        "a clone URL, or owner/name.");
  CHECK(Rejection("src/repo/x") ==
        "repo \"src/repo/x\" is not a clone URL, an absolute path or owner/name: pass one of "
        "those (e.g. https://github.com/owner/name).");
  CHECK(Rejection("llama.cpp") ==
        "repo \"llama.cpp\" is not a clone URL, an absolute path or owner/name: pass one of "
        "those (e.g. https://github.com/owner/name).");
  CHECK(Rejection("./repo") ==
        "repo \"./repo\" is not a clone URL, an absolute path or owner/name: pass one of those "
        "(e.g. https://github.com/owner/name).");
  RepoSourceOptions no_local;
  no_local.allow_local = false;
  CHECK(Rejection("/srv/git/r.git", no_local) ==
        "repo \"/srv/git/r.git\" is a local path, which this configuration does not allow: pass "
        "an https:// clone URL or owner/name.");
  CHECK(Rejection("file:///srv/git/r.git", no_local) ==
        "repo \"file:///srv/git/r.git\" is a local path, which this configuration does not "
        "allow: pass an https:// clone URL or owner/name.");
}

}  // namespace
}  // namespace intern::tools
