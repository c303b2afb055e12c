#include "tools/tool.h"

#include <nlohmann/json.hpp>

namespace intern::tools {

const char* ApprovalClassName(ApprovalClass c) {
  switch (c) {
    case ApprovalClass::kRead: return "read";
    case ApprovalClass::kAsk: return "ask";
    case ApprovalClass::kExecute: return "execute";
  }
  return "ask";
}

std::string Tool::Describe(const nlohmann::json& args) const {
  return name() + " " + args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace intern::tools
