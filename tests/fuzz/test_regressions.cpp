// Every stored input of the fuzz targets (the seed corpus and each crash the fuzzers found,
// kept as corpus/<target>/regress-*) through its parser: a clear error or success, never a
// crash or another exception. Runs in every build (the fuzzers need clang).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "parsers.h"

namespace axpod::fuzz {
namespace {

class FuzzCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzCorpus, EveryStoredInputGivesAClearResult) {
  const auto dir = std::filesystem::path(AXPOD_TEST_SOURCE_DIR) / "tests/fuzz/corpus" / GetParam();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int inputs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    SCOPED_TRACE(e.path().string());
    EXPECT_NO_THROW(
        run(GetParam(), reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    ++inputs;
  }
  EXPECT_GT(inputs, 0);
}

INSTANTIATE_TEST_SUITE_P(Parsers, FuzzCorpus, ::testing::ValuesIn(targets()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace axpod::fuzz
