// A libFuzzer target: AXPOD_FUZZ_TARGET names the parser (parsers.h).
#include <cstddef>
#include <cstdint>

#include "parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  axpod::fuzz::run(AXPOD_FUZZ_TARGET, data, size);
  return 0;
}
