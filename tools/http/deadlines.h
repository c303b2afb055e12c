#pragma once
// The deadlines of one HTTP call (HttpTimeouts) and the wording of their timeouts, kept apart
// from the sockets so the arithmetic — which deadline binds, which one a timeout names — is
// tested with made-up times.
//
// Each step of a hop has its own limit: resolving, connecting, the proxy CONNECT and the TLS
// handshake share one connect deadline per hop; the response header has the first-byte
// deadline; every send and every body read has the idle deadline. Each is cut short by what is
// left of the total deadline, and the one that was binding is remembered so the timeout message
// names it. Not thread-safe: one per call.

#include <chrono>
#include <cstdint>
#include <string>

#include "config/result.h"
#include "tools/http/http_client.h"

namespace intern::tools {

// The steps of one hop, each with its own deadline and wording in messages.
enum class HttpStep { kConnect, kTls, kSend, kHeader, kBody };

// `request` with every zero field replaced by the one from `defaults`.
HttpTimeouts WithDefaults(const HttpTimeouts& request, const HttpTimeouts& defaults);

class HttpDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  // The total deadline starts at `start`. Every field of `timeouts` must be positive.
  explicit HttpDeadlines(const HttpTimeouts& timeouts, Clock::time_point start = Clock::now());

  // Starts the connect deadline of a new hop.
  void StartConnect(Clock::time_point now = Clock::now());

  // When `step`, starting at `now`, must be over: its own deadline or the total, whichever comes
  // first. Remembers which for TimeoutFailure.
  Clock::time_point ExpiryFor(HttpStep step, Clock::time_point now = Clock::now());

  // What is left of the total deadline (never negative).
  std::chrono::milliseconds Left(Clock::time_point now = Clock::now()) const;

  // The failure for the deadline of the last ExpiryFor(step) having passed, e.g.
  // "127.0.0.1:8080 stalled for longer than the idle deadline (100 ms) after 5 bytes of the
  // body" or "the request to https://h/x exceeded the total deadline (300 ms) while waiting for
  // the response". `peer` is "host:port" (or "proxy host:port"); `url` is shown as given.
  Failure TimeoutFailure(HttpStep step, const std::string& peer, const std::string& url,
                         std::uint64_t body_bytes = 0) const;

  std::chrono::milliseconds Limit(HttpStep step) const;

 private:
  HttpTimeouts timeouts_;
  Clock::time_point end_;
  Clock::time_point connect_end_;
  bool total_binding_ = false;
};

}  // namespace intern::tools
