// NumPy .npy writer (format 1.0, little-endian, C order) for int8 and int32 tensors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axpod::npy {

std::string encode(const std::int8_t* data, const std::vector<std::int64_t>& shape);
std::string encode(const std::int32_t* data, const std::vector<std::int64_t>& shape);

/// Parses a .npy written by encode(): dtype ("<i1" or "<i4"), shape and raw little-endian data.
struct Array {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::string data;
};
Array decode(const std::string& bytes);

}  // namespace axpod::npy
