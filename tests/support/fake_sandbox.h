#pragma once
// FakeSandbox: a Sandbox that runs nothing. It records every RunSpec and answers with what the
// test's handler returns (by default: exit 0, 10 ms wall, empty output).

#include <functional>
#include <mutex>
#include <vector>

#include "sandbox/sandbox.h"

namespace intern::testing {

class FakeSandbox final : public sandbox::Sandbox {
 public:
  using Handler = std::function<Result<sandbox::RunResult>(const sandbox::RunSpec&, int call)>;

  FakeSandbox() = default;
  explicit FakeSandbox(Handler handler) : handler_(std::move(handler)) {}

  Result<sandbox::RunResult> Run(const sandbox::RunSpec& spec) override {
    int call;
    {
      std::lock_guard lock(mu_);
      specs_.push_back(spec);
      call = static_cast<int>(specs_.size()) - 1;
    }
    if (handler_) return handler_(spec, call);
    sandbox::RunResult r;
    r.exit_code = 0;
    r.wall_seconds = 0.01;
    return r;
  }

  std::vector<sandbox::RunSpec> specs() const {
    std::lock_guard lock(mu_);
    return specs_;
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<sandbox::RunSpec> specs_;
};

}  // namespace intern::testing
