#pragma once
// The one sentence the operator sees when a session stops, and the exit code that goes with it
// (DESIGN §4, §11): 0 done, 1 failed, 3 for every other stop (a draft may still exist).

#include <cstdint>
#include <string>

#include "sessions/records.h"

namespace intern::agent {

struct StopDetails {
  std::string session_id;
  std::int64_t iterations = 0;
  std::int64_t cap = 0;
  std::string reason;  // budget: "token budget at 100% (...)"; stuck: the detection; failed: the
                       // provider's message
};

int ExitCodeFor(sessions::SessionStatus status);

// E.g. "Stopped: the iteration cap of 300 was reached; the draft below is the best the evidence
// allowed (exit 3)." One sentence, ending with the exit code.
std::string StopSentence(sessions::SessionStatus status, const StopDetails& details);

}  // namespace intern::agent
