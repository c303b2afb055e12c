#pragma once
// Internal to the fakes: turns a FakeResponse into the exact sequence of socket actions the
// server performs, so faults are decided in one pure function that needs no sockets.

#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace intern::testing {

struct WriteStep {
  enum class Kind {
    kWrite,  // write `bytes`
    kWait,   // wait `wait` (ended early when the server stops)
    kReset,  // abort the connection with a TCP RST; nothing follows
    kClose,  // close cleanly (FIN, or TLS close_notify); nothing follows
  };
  Kind kind = Kind::kWrite;
  std::string bytes;
  Milliseconds wait{0};
};

// The steps for one response. When the steps do not end in kReset or kClose the connection stays
// usable for the next request (unless the response or the request asked to close).
std::vector<WriteStep> PlanResponse(const FakeResponse& response);

// "OK", "Not Found", ... ; "Unknown" for codes without a standard phrase.
const char* ReasonPhrase(int status);

}  // namespace intern::testing
