#pragma once
// A TCP connect probe with a deadline. libgit2 1.5 has no connect timeout
// (GIT_OPT_SET_SERVER_CONNECT_TIMEOUT arrived in 1.7), so a clone of an address that drops SYNs
// would hang for minutes inside libgit2; probing first turns that into a prompt, clear failure.

#include <chrono>
#include <string>

#include "config/result.h"

namespace intern::tools {

// Resolves `host` and tries each address until one accepts a TCP connection within `timeout`
// (shared by all addresses). Ok when one does (the socket is closed at once). Failures:
// kConnection (DNS failure, refused, unreachable) and kTimeout, with messages that name
// "host:port" and the reason; the caller adds what it was trying to do. Name resolution itself
// uses the system resolver and its own timeouts. Thread-safe.
Status ProbeTcp(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace intern::tools
