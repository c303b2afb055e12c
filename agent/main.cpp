// intern's entry point: everything lives in intern_agent; main only maps what escapes to an
// exit code and one sentence.
#include <exception>
#include <iostream>

#include "agent/cli/cli.h"
#include "config/error.h"

int main(int argc, char** argv) {
  try {
    return intern::agent::RunCli(argc, argv, std::cout, std::cerr, std::nullopt,
                                 intern::agent::WireAgent);
  } catch (const intern::Error& e) {
    std::cerr << "intern: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "intern: internal error: " << e.what()
              << " (please report this with the command you ran)\n";
    return intern::kExitError;
  }
}
