#pragma once
// Helpers for the repo_inspect tests: a temporary directory and an origin repository built
// commit by commit with libgit2, with exact author/committer times, so every number a report
// shows is known in advance.

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "tools/repo/git_handle.h"

namespace intern::tools::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "intern-repo-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void Check(int rc, const char* what) {
  INFO(what << ": " << git::ErrorMessage(rc, what));
  REQUIRE(rc >= 0);
}

struct Person {
  std::string name;
  std::string email;
};

inline git::Signature Sign(const Person& who, long long epoch_seconds, int offset_minutes = 0) {
  git_signature* raw = nullptr;
  Check(git_signature_new(&raw, who.name.c_str(), who.email.c_str(), epoch_seconds, offset_minutes),
        "git_signature_new");
  return git::Signature(raw);
}

// A repository whose branch `main` is built by Commit() calls. Files live only in the commits'
// trees (no working directory is written), top level only.
class OriginRepo {
 public:
  explicit OriginRepo(const std::filesystem::path& path, bool bare = true) : path_(path) {
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_MKPATH | (bare ? GIT_REPOSITORY_INIT_BARE : 0);
    opts.initial_head = "main";
    git_repository* raw = nullptr;
    Check(git_repository_init_ext(&raw, path.c_str(), &opts), "git_repository_init_ext");
    repo_.reset(raw);
  }

  void SetFile(const std::string& name, const std::string& content) { files_[name] = content; }
  void RemoveFile(const std::string& name) { files_.erase(name); }

  // Commits the current files on main; the committer is the author unless given. Returns the id.
  std::string Commit(const Person& author, long long when, const std::string& message,
                     int offset_minutes = 0, const Person* committer = nullptr,
                     long long committed_when = -1) {
    git_treebuilder* raw_builder = nullptr;
    Check(git_treebuilder_new(&raw_builder, repo_.get(), nullptr), "git_treebuilder_new");
    git::TreeBuilder builder(raw_builder);
    for (const auto& [name, content] : files_) {
      git_oid blob;
      Check(git_blob_create_from_buffer(&blob, repo_.get(), content.data(), content.size()),
            "git_blob_create_from_buffer");
      Check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &blob, GIT_FILEMODE_BLOB),
            "git_treebuilder_insert");
    }
    git_oid tree_id;
    Check(git_treebuilder_write(&tree_id, builder.get()), "git_treebuilder_write");
    git_tree* raw_tree = nullptr;
    Check(git_tree_lookup(&raw_tree, repo_.get(), &tree_id), "git_tree_lookup");
    git::Tree tree(raw_tree);

    git::Signature author_sig = Sign(author, when, offset_minutes);
    git::Signature committer_sig =
        Sign(committer != nullptr ? *committer : author,
             committed_when >= 0 ? committed_when : when, offset_minutes);
    git::Commit parent;
    git_oid head;
    if (git_reference_name_to_id(&head, repo_.get(), "refs/heads/main") == 0) {
      git_commit* raw_parent = nullptr;
      Check(git_commit_lookup(&raw_parent, repo_.get(), &head), "git_commit_lookup");
      parent.reset(raw_parent);
    }
    const git_commit* parents[] = {parent.get()};
    git_oid id;
    Check(git_commit_create(&id, repo_.get(), "refs/heads/main", author_sig.get(),
                            committer_sig.get(), nullptr, message.c_str(), tree.get(),
                            parent ? 1 : 0, parent ? parents : nullptr),
          "git_commit_create");
    return git::OidHex(id);
  }

  void AnnotatedTag(const std::string& name, const std::string& commit, const Person& tagger,
                    long long when) {
    git::Object target = Lookup(commit);
    git::Signature sig = Sign(tagger, when);
    git_oid id;
    Check(git_tag_create(&id, repo_.get(), name.c_str(), target.get(), sig.get(),
                         ("release " + name).c_str(), 0),
          "git_tag_create");
  }

  void LightweightTag(const std::string& name, const std::string& object_hex) {
    git::Object target = Lookup(object_hex);
    git_oid id;
    Check(git_tag_create_lightweight(&id, repo_.get(), name.c_str(), target.get(), 0),
          "git_tag_create_lightweight");
  }

  std::string Blob(const std::string& content) {
    git_oid id;
    Check(git_blob_create_from_buffer(&id, repo_.get(), content.data(), content.size()),
          "git_blob_create_from_buffer");
    return git::OidHex(id);
  }

  const std::filesystem::path& path() const { return path_; }
  std::string file_url() const { return "file://" + path_.string(); }

 private:
  git::Object Lookup(const std::string& hex) {
    git_oid oid;
    Check(git_oid_fromstr(&oid, hex.c_str()), "git_oid_fromstr");
    git_object* raw = nullptr;
    Check(git_object_lookup(&raw, repo_.get(), &oid, GIT_OBJECT_ANY), "git_object_lookup");
    return git::Object(raw);
  }

  git::LibGit2 libgit2_;
  std::filesystem::path path_;
  git::Repository repo_;
  std::map<std::string, std::string> files_;
};

// A short MIT licence, with the phrases that identify it.
inline constexpr const char* kMitText =
    "MIT License\n\nCopyright (c) 2024 Demo Authors\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files (the \"Software\"), to deal\n"
    "in the Software without restriction, including without limitation the rights\n"
    "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
    "copies of the Software, and to permit persons to whom the Software is\n"
    "furnished to do so, subject to the following conditions:\n\n"
    "The above copyright notice and this permission notice shall be included in all\n"
    "copies or substantial portions of the Software.\n\n"
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n";

// Epoch seconds of the instants the tests use (UTC).
inline constexpr long long k20240603T1200 = 1717416000;
inline constexpr long long k20250309T235959 = 1741564799;
inline constexpr long long k20250310T0000 = 1741564800;  // Monday: weekly[0] starts here
inline constexpr long long k20250312T1000 = 1741773600;
inline constexpr long long k20250101T0000 = 1735689600;
inline constexpr long long k20250902T0800 = 1756800000;  // weekly[25]
inline constexpr long long k20250401T1200 = 1743508800;
inline constexpr long long k20260302T0000 = 1772409600;  // Monday: weekly[51] starts here
inline constexpr long long k20260303T1200 = 1772539200;
inline constexpr long long k20260304T1100 = 1772622000;
inline constexpr long long k20260304T1200 = 1772625600;  // "now" (a Wednesday)

inline const Person kAda{"Ada Lovelace", "ada@example.org"};
inline const Person kAdaShort{"A. Lovelace", "ADA@Example.org"};
inline const Person kBob{"Bob Builder", "bob@example.org"};
inline const Person kCarol{"Carol Coder", "carol@example.org"};

struct DemoIds {
  std::string c1, c2, c3, c4, c5, c6, c7;
};

// The demo history (see repo_inspector_test.cpp for the numbers it must give):
//   c1 2024-06-03 12:00 Ada    LICENSE (MIT), README.md, CMakeLists.txt   tag v0.1 (lightweight)
//   c2 2025-03-09 23:59:59 Bob Dockerfile                                 (one second before the
//                                                                          52-week window)
//   c3 2025-03-10 00:00 Ada    README.md changed                          (first second of it)
//   c4 2025-03-12 10:00 Ada    pyproject.toml                             tag v0.2 (annotated,
//                                                                          2025-04-01 12:00)
//   c5 authored 2025-01-01 by Carol, committed 2025-09-02 08:00 by Bob
//   c6 2026-03-02 00:00 UTC (+02:00) Ada                                  tag v1.0 (annotated,
//                                                                          2026-03-03 12:00)
//   c7 2026-03-04 11:00 "A. Lovelace" <ADA@Example.org>
// plus a lightweight tag "blob-tag" on a blob, which is not a release.
inline DemoIds BuildDemoHistory(OriginRepo& origin) {
  DemoIds ids;
  origin.SetFile("LICENSE", kMitText);
  origin.SetFile("README.md", "# Demo\n\nFirst draft.\n");
  origin.SetFile("CMakeLists.txt", "cmake_minimum_required(VERSION 3.25)\nproject(demo)\n");
  ids.c1 = origin.Commit(kAda, k20240603T1200, "start");
  origin.SetFile("Dockerfile", "FROM debian:12\n");
  ids.c2 = origin.Commit(kBob, k20250309T235959, "add a Dockerfile");
  origin.SetFile("README.md",
                 "# Demo\r\n\r\nA demo project for tests.\r\n\r\n## Build\r\n\r\n"
                 "cmake -B build\r\n");
  ids.c3 = origin.Commit(kAda, k20250310T0000, "explain the build");
  origin.SetFile("pyproject.toml", "[project]\nname = \"demo\"\n");
  ids.c4 = origin.Commit(kAda, k20250312T1000, "python bindings");
  origin.SetFile("notes.txt", "carol's notes\n");
  ids.c5 = origin.Commit(kCarol, k20250101T0000, "notes", 0, &kBob, k20250902T0800);
  origin.SetFile("notes.txt", "more notes\n");
  ids.c6 = origin.Commit(kAda, k20260302T0000, "release prep", 120);
  origin.SetFile("notes.txt", "even more notes\n");
  ids.c7 = origin.Commit(kAdaShort, k20260304T1100, "tidy");
  origin.LightweightTag("v0.1", ids.c1);
  origin.AnnotatedTag("v0.2", ids.c4, kAda, k20250401T1200);
  origin.AnnotatedTag("v1.0", ids.c6, kAda, k20260303T1200);
  origin.LightweightTag("blob-tag", origin.Blob("not a commit\n"));
  return ids;
}

}  // namespace intern::tools::testing
