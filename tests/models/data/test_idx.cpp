#include "data/idx.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace axpod::data {
namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string write_gz(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + "/" + name;
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return path;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Idx, ReadsImagesAndLabels) {
  std::string img = be32(0x803) + be32(2) + be32(2) + be32(3);
  for (int i = 0; i < 12; ++i) img += static_cast<char>(i * 10);
  const auto im = read_idx_images(write_gz("ok-images.gz", img));
  EXPECT_EQ(im.count, 2);
  EXPECT_EQ(im.rows, 2);
  EXPECT_EQ(im.cols, 3);
  EXPECT_EQ(im.pixels[11], 110);
  const auto lab = read_idx_labels(
      write_gz("ok-labels.gz", be32(0x801) + be32(3) + std::string("\x01\x02\x09", 3)));
  EXPECT_EQ(lab, (std::vector<std::uint8_t>{1, 2, 9}));
}

// A few hundred KB of gzip that inflate to gigabytes: refused while inflating.
TEST(Idx, AGzipBombIsRefusedEarly) {
  const std::string path = ::testing::TempDir() + "/bomb-images.gz";
  gzFile f = gzopen(path.c_str(), "wb9");
  const std::string zeros(1 << 20, '\0');
  gzwrite(f, (be32(0x803) + be32(100000) + be32(28) + be32(28)).data(), 16);
  for (int i = 0; i < 300; ++i) gzwrite(f, zeros.data(), static_cast<unsigned>(zeros.size()));
  gzclose(f);
  try {
    read_idx_images(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("decompresses to more than 256 MiB"), std::string::npos)
        << e.what();
  }
}

TEST(Idx, RejectsBadMagicTruncationAndCorruption) {
  EXPECT_NE(error_of([] {
              read_idx_images(write_gz("m.gz", be32(0x801) + be32(1) + be32(1) + be32(1) + "x"));
            }).find("not an idx3-ubyte image file"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_idx_images(write_gz("t.gz", be32(0x803) + be32(5) + be32(2) + be32(2) + "abc"));
            }).find("(truncated)"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              read_idx_labels(write_gz("l.gz", be32(0x801) + be32(9) + "ab"));
            }).find("truncated"),
            std::string::npos);
  EXPECT_NE(error_of([] { read_idx_images(write_gz("s.gz", "ab")); }).find("too short"),
            std::string::npos);
  // A gzip stream cut in the middle.
  const std::string good =
      write_gz("c.gz", be32(0x803) + be32(100) + be32(28) + be32(28) + std::string(78400, 'x'));
  std::string bytes;
  {
    std::ifstream in(good, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cut = ::testing::TempDir() + "/cut.gz";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_NE(error_of([&] { read_idx_images(cut); }), "");
  EXPECT_NE(error_of([] { read_idx_images("/nonexistent/x.gz"); }).find("cannot open"),
            std::string::npos);
}

TEST(Idx, SplitChecksCountsAndLabels) {
  const std::string dir = ::testing::TempDir() + "/fm";
  std::filesystem::create_directories(dir);
  std::filesystem::rename(write_gz("i.gz", be32(0x803) + be32(2) + be32(1) + be32(1) + "ab"),
                          dir + "/t10k-images-idx3-ubyte.gz");
  std::filesystem::rename(write_gz("j.gz", be32(0x801) + be32(2) + std::string("\x01\x0c", 2)),
                          dir + "/t10k-labels-idx1-ubyte.gz");
  EXPECT_NE(
      error_of([&] { load_fashion_mnist(dir, "test"); }).find("label 12 of image 1 is not in 0..9"),
      std::string::npos);
  EXPECT_NE(error_of([&] { load_fashion_mnist(dir, "validation"); }).find("unknown split"),
            std::string::npos);
}

TEST(Idx, TheInstalledFashionMnistIsComplete) {
  const auto test = load_fashion_mnist(kFashionMnistDir, "test");
  EXPECT_EQ(test.images.count, 10000);
  EXPECT_EQ(test.images.rows, 28);
  const auto train = load_fashion_mnist(kFashionMnistDir, "train");
  EXPECT_EQ(train.images.count, 60000);
  std::vector<int> per_class(10);
  for (auto l : test.labels) ++per_class[l];
  for (int c : per_class) EXPECT_EQ(c, 1000);  // Fashion-MNIST's test split is balanced
}

}  // namespace
}  // namespace axpod::data
