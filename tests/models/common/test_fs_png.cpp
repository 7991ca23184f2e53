#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.h"
#include "common/fs.h"
#include "common/png.h"

namespace axpod {
namespace {

std::string temp_dir() {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("axpod_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(Fs, AtomicWriteReplacesWholeFileAndLeavesNoTemporary) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/f.txt";
  fs::write_file_atomic(path, "first");
  fs::write_file_atomic(path, "second");
  EXPECT_EQ(fs::read_file(path), "second");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(Fs, WriteIntoMissingFolderNamesThePath) {
  try {
    fs::write_file_atomic("/nonexistent_axpod_dir/x.bin", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent_axpod_dir/x.bin"), std::string::npos);
  }
}

TEST(Png, EncodesSignatureHeaderAndEnd) {
  png::Image img(3, 2);
  img.set(0, 0, 255, 0, 0);
  const std::string bytes = png::encode(img);
  ASSERT_GT(bytes.size(), 40u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(static_cast<unsigned char>(bytes[19]), 3u);  // width, low byte
  EXPECT_EQ(static_cast<unsigned char>(bytes[23]), 2u);  // height, low byte
  EXPECT_EQ(bytes.substr(bytes.size() - 8, 4), "IEND");
}

}  // namespace
}  // namespace axpod
