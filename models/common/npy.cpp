#include "common/npy.h"

#include <cstring>

#include "common/error.h"
#include "common/text.h"

namespace axpod::npy {

namespace {

std::string encode_raw(const void* data, std::size_t bytes, const char* dtype,
                       const std::vector<std::int64_t>& shape) {
  std::string dict = std::string("{'descr': '") + dtype + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  // Magic (6) + version (2) + header length (2) + dict, padded with spaces to a multiple of 64,
  // ending in a newline.
  std::size_t total = 10 + dict.size() + 1;
  const std::size_t pad = (64 - total % 64) % 64;
  dict += std::string(pad, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  const auto len = static_cast<std::uint16_t>(dict.size());
  out += static_cast<char>(len & 0xFF);
  out += static_cast<char>(len >> 8);
  out += dict;
  out.append(static_cast<const char*>(data), bytes);
  return out;
}

std::size_t count(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

}  // namespace

std::string encode(const std::int8_t* data, const std::vector<std::int64_t>& shape) {
  return encode_raw(data, count(shape), "|i1", shape);
}

std::string encode(const std::int32_t* data, const std::vector<std::int64_t>& shape) {
  static_assert(sizeof(std::int32_t) == 4);
  return encode_raw(data, count(shape) * 4, "<i4", shape);  // x86/ARM hosts are little-endian
}

Array decode(const std::string& b) {
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) throw Error("not a .npy file");
  const std::size_t len = static_cast<unsigned char>(b[8]) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(b[9])) << 8);
  if (b.size() < 10 + len) throw Error("truncated .npy header");
  const std::string h = b.substr(10, len);
  Array a;
  const auto d = h.find("'descr': '");
  if (d == std::string::npos) throw Error("no descr in .npy header");
  a.dtype = h.substr(d + 10, h.find('\'', d + 10) - d - 10);
  const auto s = h.find('(');
  const auto e = s == std::string::npos ? std::string::npos : h.find(')', s);
  if (e == std::string::npos) throw Error("no shape in .npy header");
  for (const auto& field : text::split(h.substr(s + 1, e - s - 1), ',')) {
    const std::string tok = text::trim(field);
    if (tok.empty()) continue;  // the trailing comma of a 1-tuple
    long long dim = 0;
    if (!text::parse_int(tok, dim) || dim < 0 || dim > (1LL << 40))
      throw Error(".npy shape: '" + tok + "' is not a dimension");
    a.shape.push_back(dim);
  }
  a.data = b.substr(10 + len);
  return a;
}

}  // namespace axpod::npy
