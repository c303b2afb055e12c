#include "agent/approval.h"

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

namespace intern::agent {

ApprovalVerdict PromptApproval::Decide(const tools::Tool&, const std::string&,
                                       const std::string& description) {
  out_ << "Allow: " << description << "? [y/N] ";
  out_.flush();
  std::string answer;
  if (!std::getline(in_, answer)) return ApprovalVerdict::kDeny;
  answer.erase(std::remove_if(answer.begin(), answer.end(),
                              [](unsigned char c) { return std::isspace(c) != 0; }),
               answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes" ? ApprovalVerdict::kAllow : ApprovalVerdict::kDeny;
}

}  // namespace intern::agent
