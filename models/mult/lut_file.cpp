#include "mult/lut_file.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "common/fs.h"
#include "common/text.h"

namespace axpod::mult {

namespace {

Table parse_binary(const std::string& bytes, const std::string& path) {
  constexpr std::size_t kBytes = kTableSize * 4;
  if (bytes.size() != kBytes)
    throw Error("'" + path + "': a binary multiplier table has exactly " + std::to_string(kBytes) +
                " bytes (65,536 little-endian int32), this file has " +
                std::to_string(bytes.size()));
  std::vector<product_t> products(kTableSize);
  for (std::size_t i = 0; i < kTableSize; ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + 4 * i;
    const std::uint32_t u =
        static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
        (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    products[i] = static_cast<product_t>(u);
  }
  try {
    return Table(std::move(products));
  } catch (const Error& e) {
    throw Error("'" + path + "': " + e.what());
  }
}

Table parse_csv(const std::string& text_in, const std::string& path) {
  std::vector<product_t> products;
  products.reserve(kTableSize);
  std::size_t line_no = 0;
  std::size_t rows = 0;
  for (const std::string& raw : text::split(text_in, '\n')) {
    ++line_no;
    const std::string line = text::trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = text::split_csv(line);
    if (fields.size() != 256)
      throw Error("'" + path + "':" + std::to_string(line_no) + ": expected 256 values, got " +
                  std::to_string(fields.size()));
    if (rows == 256)
      throw Error("'" + path + "':" + std::to_string(line_no) + ": more than 256 rows");
    for (std::size_t col = 0; col < fields.size(); ++col) {
      long long v = 0;
      if (!text::parse_int(text::trim(fields[col]), v))
        throw Error("'" + path + "':" + std::to_string(line_no) + ": column " +
                    std::to_string(col + 1) + ": '" + text::trim(fields[col]) +
                    "' is not an integer");
      if (v < kProductMin || v > kProductMax)
        throw Error("'" + path + "':" + std::to_string(line_no) + ": column " +
                    std::to_string(col + 1) + ": product " + std::to_string(v) +
                    " is outside the 17-bit signed range [-65536, 65535]");
      products.push_back(static_cast<product_t>(v));
    }
    ++rows;
  }
  if (rows != 256)
    throw Error("'" + path + "': a CSV multiplier table has 256 rows, this file has " +
                std::to_string(rows));
  return Table(std::move(products));
}

}  // namespace

Table read_lut_file(const std::string& path) {
  const std::string bytes = fs::read_file(path);
  return path.ends_with(".csv") ? parse_csv(bytes, path) : parse_binary(bytes, path);
}

void write_lut_binary(const Table& table, const std::string& path) {
  std::string bytes(kTableSize * 4, '\0');
  for (std::size_t i = 0; i < kTableSize; ++i) {
    const auto u = static_cast<std::uint32_t>(table.products()[i]);
    for (int k = 0; k < 4; ++k) bytes[4 * i + k] = static_cast<char>((u >> (8 * k)) & 0xFF);
  }
  fs::write_file_atomic(path, bytes);
}

void write_lut_csv(const Table& table, const std::string& path) {
  std::string out;
  out.reserve(kTableSize * 6);
  for (std::size_t a = 0; a < 256; ++a) {
    for (std::size_t b = 0; b < 256; ++b) {
      if (b) out += ',';
      out += std::to_string(table.products()[(a << 8) | b]);
    }
    out += '\n';
  }
  fs::write_file_atomic(path, out);
}

std::unique_ptr<IMultiplier> load_lut_multiplier(const std::string& path) {
  return std::make_unique<TableMultiplier>(read_lut_file(path));
}

}  // namespace axpod::mult
