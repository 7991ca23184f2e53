// One parser of axpod's inputs on arbitrary bytes, as a user's file would reach it. Used by the
// libFuzzer targets (fuzz_*.cpp, built with clang when AXPOD_FUZZ is on) and by the regression
// test that replays every stored input (test_regressions.cpp, every build).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace axpod::fuzz {

/// The parsers: accel (accelerator YAML), network (network YAML), topology (SCALE-Sim CSV),
/// assignment (assignment YAML for lenet5), cfg (SCALE-Sim .cfg), lut_bin, lut_csv (truth
/// tables), idx (IDX images and labels, plain or gzip), axq (quantized networks), mult
/// (multiplier names), verilog (a Verilog multiplier through Yosys: ports, synthesis, table),
/// blif (the gate netlists Yosys writes).
const std::vector<std::string>& targets();

/// Runs parser `target` on `data`. A clear error (axpod::Error) is a valid outcome; anything
/// else (a crash, a sanitizer report, another exception) is a bug and escapes.
void run(const std::string& target, const std::uint8_t* data, std::size_t size);

}  // namespace axpod::fuzz
