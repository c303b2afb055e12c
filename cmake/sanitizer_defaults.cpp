// Linked into intern and intern_tests only when INTERN_SANITIZE is on (the `asan` preset): the
// LeakSanitizer suppressions for leaks in system libraries we cannot fix, compiled in so every
// way of running a sanitized binary (ctest, the test binary by hand, intern spawned by a test)
// uses them.
//
// libpcre2-8: libgit2 1.5 (Debian 12) returns from git_regexp_search without freeing its
// pcre2_match_data when a pattern does not match, which git_remote_push reaches through refspec
// matching; fixed upstream in libgit2 1.6 (libgit2/libgit2#6382). The frames LeakSanitizer keeps
// are pcre2's, hence the module name.

extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }
