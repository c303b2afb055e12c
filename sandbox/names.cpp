#include "sandbox/run_spec.h"

namespace intern::sandbox {

const char* IsolationName(Isolation i) {
  switch (i) {
    case Isolation::kNative: return "native";
    case Isolation::kBubblewrap: return "bwrap";
    case Isolation::kNone: return "none";
  }
  return "none";
}

const char* CgroupKindName(CgroupKind k) {
  switch (k) {
    case CgroupKind::kV2: return "v2";
    case CgroupKind::kV1: return "v1";
    case CgroupKind::kNone: return "none";
  }
  return "none";
}

const char* LimitHitName(LimitHit l) {
  switch (l) {
    case LimitHit::kNone: return "none";
    case LimitHit::kWall: return "wall";
    case LimitHit::kCpu: return "cpu";
    case LimitHit::kMemory: return "memory";
    case LimitHit::kProcesses: return "processes";
    case LimitHit::kOutput: return "output";
    case LimitHit::kFileSize: return "file_size";
  }
  return "none";
}

}  // namespace intern::sandbox
