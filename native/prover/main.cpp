// des-groth16: a native Groth16 prover for snarkjs's BN254 keys (see core.cpp for the commands).
// Chooses the core build at run time: the BMI2/ADX one where the CPU has both instructions, the
// portable one otherwise; `--arch generic|adx|auto` overrides (adx on a CPU without it is refused).
#include <cstdio>
#include <cstring>
#include <string>

#include "common.hpp"

int main(int argc, char** argv) {
  std::string arch = "auto";
  bool archMissing = false;
  for (int i = 1; i < argc; i++)
    if (std::strcmp(argv[i], "--arch") == 0) {
      if (i + 1 < argc)
        arch = argv[++i];
      else
        archMissing = true;
    }
  __builtin_cpu_init();
  bool hasAdx = __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
  try {
    if (archMissing) throw des::ProverError{"USAGE", "--arch needs a value"};
    if (arch == "auto") arch = hasAdx ? "adx" : "generic";
    if (arch == "adx") {
      if (!hasAdx) throw des::ProverError{"USAGE", "--arch adx: this CPU lacks BMI2/ADX"};
      return adx::run(argc, argv);
    }
    if (arch == "generic") return generic::run(argc, argv);
    throw des::ProverError{"USAGE", "--arch: auto, generic or adx, not " + arch};
  } catch (const des::ProverError& e) {
    std::fprintf(stderr, "des-groth16: %s: %s\n", e.code.c_str(), e.message.c_str());
    return e.code == "USAGE" ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "des-groth16: PROVER_FAULT: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "des-groth16: PROVER_FAULT: %s\n", e.what());
    return 1;
  }
}
