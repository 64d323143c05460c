// Shared by both builds of the prover core and its dispatcher.
#pragma once
#include <string>

namespace des {

// A named failure: printed as "des-groth16: CODE: message", exit status 1 (2 for USAGE).
struct ProverError {
  std::string code;
  std::string message;
};

}  // namespace des

namespace generic {
int run(int argc, char** argv);
}
namespace adx {
int run(int argc, char** argv);
}
