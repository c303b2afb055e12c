#include <catch2/catch.hpp>

#include "tools/http/deadlines.h"

namespace intern::tools {
namespace {

using std::chrono::milliseconds;
using Clock = HttpDeadlines::Clock;

const HttpTimeouts kTimeouts{milliseconds(100), milliseconds(200), milliseconds(50),
                             milliseconds(1000)};

TEST_CASE("zero timeouts of a request fall back to the client's defaults field by field") {
  HttpTimeouts request{milliseconds(0), milliseconds(7), milliseconds(0), milliseconds(9)};
  CHECK(WithDefaults(request, kTimeouts) ==
        HttpTimeouts{milliseconds(100), milliseconds(7), milliseconds(50), milliseconds(9)});
}

TEST_CASE("each step gets its own deadline until the total deadline comes sooner") {
  Clock::time_point t0;
  HttpDeadlines d(kTimeouts, t0);
  CHECK(d.ExpiryFor(HttpStep::kHeader, t0 + milliseconds(10)) == t0 + milliseconds(210));
  CHECK(d.TimeoutFailure(HttpStep::kHeader, "h:1", "http://h:1/x").message ==
        "h:1 sent no response within the first-byte deadline (200 ms)");

  CHECK(d.ExpiryFor(HttpStep::kBody, t0 + milliseconds(900)) == t0 + milliseconds(950));
  CHECK(d.TimeoutFailure(HttpStep::kBody, "h:1", "http://h:1/x", 42).message ==
        "h:1 stalled for longer than the idle deadline (50 ms) after 42 bytes of the body");

  // 970 + 50 would pass the total deadline at 1000: the total binds and is the one named.
  CHECK(d.ExpiryFor(HttpStep::kBody, t0 + milliseconds(970)) == t0 + milliseconds(1000));
  Failure f = d.TimeoutFailure(HttpStep::kBody, "h:1", "http://h:1/x", 42);
  CHECK(f.code == ErrorCode::kTimeout);
  CHECK(f.message ==
        "the request to http://h:1/x exceeded the total deadline (1000 ms) after 42 bytes of the "
        "body");
  CHECK(d.Left(t0 + milliseconds(970)) == milliseconds(30));
  CHECK(d.Left(t0 + milliseconds(5000)) == milliseconds(0));
}

TEST_CASE("resolve, connect, tunnel and TLS handshake of a hop share one connect deadline") {
  Clock::time_point t0;
  HttpDeadlines d(kTimeouts, t0);
  d.StartConnect(t0 + milliseconds(300));
  CHECK(d.ExpiryFor(HttpStep::kConnect, t0 + milliseconds(310)) == t0 + milliseconds(400));
  CHECK(d.ExpiryFor(HttpStep::kTls, t0 + milliseconds(390)) == t0 + milliseconds(400));
  CHECK(d.TimeoutFailure(HttpStep::kTls, "h:443", "https://h/").message ==
        "the TLS handshake with h:443 exceeded the connect deadline (100 ms)");
  CHECK(d.TimeoutFailure(HttpStep::kConnect, "proxy p:3128", "https://h/").message ==
        "connecting to proxy p:3128 exceeded the connect deadline (100 ms)");
  d.StartConnect(t0 + milliseconds(950));
  CHECK(d.ExpiryFor(HttpStep::kConnect, t0 + milliseconds(950)) == t0 + milliseconds(1000));
  CHECK(d.TimeoutFailure(HttpStep::kConnect, "h:443", "https://h/").message ==
        "the request to https://h/ exceeded the total deadline (1000 ms) while connecting to "
        "h:443");
}

}  // namespace
}  // namespace intern::tools
