// The .npy writer and its reader: a round trip, and headers that are not ours give a clear
// error (the reader took an absent shape or an over-long dimension to raw std:: exceptions).
#include "common/npy.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace axpod::npy {
namespace {

TEST(Npy, RoundTripsShapeAndData) {
  const std::int32_t v[6] = {1, -2, 3, -4, 5, 1 << 30};
  const auto a = decode(encode(v, {2, 3}));
  EXPECT_EQ(a.dtype, "<i4");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  ASSERT_EQ(a.data.size(), sizeof v);
  const std::int8_t w[3] = {-1, 0, 1};
  const auto b = decode(encode(w, {3}));  // a 1-tuple: "(3,)"
  EXPECT_EQ(b.dtype, "|i1");
  EXPECT_EQ(b.shape, (std::vector<std::int64_t>{3}));
}

// A header of `len` bytes after the 10-byte preamble.
std::string with_header(const std::string& header) {
  std::string b = "\x93NUMPY\x01";
  b += '\0';
  b += static_cast<char>(header.size() & 0xFF);
  b += static_cast<char>(header.size() >> 8);
  return b + header;
}

TEST(Npy, MalformedHeadersAreClearErrors) {
  EXPECT_THROW(decode("not numpy"), Error);
  EXPECT_THROW(decode(with_header("{'descr': '<i4'}")), Error);  // no shape
  EXPECT_THROW(decode(with_header("{'descr': '<i4', 'shape': (2, 3}")), Error);
  EXPECT_THROW(decode(with_header("{'descr': '<i4', 'shape': (99999999999999999999,)}")), Error);
  EXPECT_THROW(decode(with_header("{'descr': '<i4', 'shape': (2x, 3)}")), Error);
  EXPECT_THROW(decode(with_header("{'descr': '<i4', 'shape': (-1,)}")), Error);
  EXPECT_THROW(decode(with_header("{'shape': (1,)}")), Error);  // no descr
}

}  // namespace
}  // namespace axpod::npy
