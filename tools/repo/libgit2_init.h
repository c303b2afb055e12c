#pragma once
// LibGit2 — keeps libgit2 initialised while alive, without exposing libgit2's headers.
//
// git_libgit2_init/shutdown are reference-counted and thread-safe, so any number of guards may
// exist at once (copies included); the library is torn down when the last one goes. Every object
// that uses libgit2 across calls holds one, so libgit2 is not set up and torn down per call.

namespace intern::tools::git {

class LibGit2 {
 public:
  LibGit2();
  ~LibGit2();
  LibGit2(const LibGit2&);
  LibGit2& operator=(const LibGit2&) { return *this; }
};

}  // namespace intern::tools::git
