// IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or plain, read with zlib and
// validated: magic number, dimensions, sizes. Truncated or corrupt files give a clear error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axpod::data {

/// Default folder of Debian's dataset-fashion-mnist package.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct Images {
  int count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols, row-major
};

/// Reads an idx3-ubyte file (magic 0x00000803).
Images read_idx_images(const std::string& path);
/// Reads an idx1-ubyte file (magic 0x00000801).
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

struct Split {
  Images images;
  std::vector<std::uint8_t> labels;  // 0..9
};

/// Loads "train" (60,000) or "test" (10,000) from `dir` (files `<split>-images-idx3-ubyte.gz`
/// and `<split>-labels-idx1-ubyte.gz`, t10k for test); checks that counts agree and labels are
/// in 0..9.
Split load_fashion_mnist(const std::string& dir, const std::string& split);

/// The ten class names of Fashion-MNIST.
const char* fashion_class(int label);

}  // namespace axpod::data
