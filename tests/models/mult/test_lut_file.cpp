#include "mult/lut_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "mult/registry.h"

namespace axpod::mult {
namespace {

class LutFile : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("axpod_lut_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::string path(const std::string& f) const { return (m_dir / f).string(); }
  void write(const std::string& f, const std::string& bytes) const {
    std::ofstream(path(f), std::ios::binary) << bytes;
  }
  std::string error_of(const std::string& name) const {
    try {
      Registry::instance().create(name);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path m_dir;  // per-test folder
};

TEST_F(LutFile, BinaryRoundTripIsBitExact) {
  const Table t(*Registry::instance().create("drum:k=4,signed=1").model);
  write_lut_binary(t, path("d.bin"));
  EXPECT_EQ(std::filesystem::file_size(path("d.bin")), 65536u * 4);
  const auto m = Registry::instance().create("lut:signed:" + path("d.bin"));
  EXPECT_TRUE(m.info.is_signed);
  EXPECT_EQ(m.info.source, Source::lut);
  EXPECT_EQ(Table(*m.model).products(), t.products());
}

TEST_F(LutFile, BinaryLayoutIsLittleEndianRowMajor) {
  const Table t(*Registry::instance().create("exact").model);
  write_lut_binary(t, path("e.bin"));
  std::ifstream in(path("e.bin"), std::ios::binary);
  in.seekg(4 * ((3 << 8) | 5));
  unsigned char b[4];
  in.read(reinterpret_cast<char*>(b), 4);
  EXPECT_EQ(b[0], 15);  // 3 * 5
  EXPECT_EQ(b[1] | b[2] | b[3], 0);
}

TEST_F(LutFile, CsvRoundTripIsBitExact) {
  const Table t(*Registry::instance().create("mitchell").model);
  write_lut_csv(t, path("m.csv"));
  EXPECT_EQ(read_lut_file(path("m.csv")).products(), t.products());
}

TEST_F(LutFile, WrongSizeIsRefused) {
  write("short.bin", std::string(1000, '\0'));
  const std::string e = error_of("lut:" + path("short.bin"));
  EXPECT_NE(e.find("exactly 262144 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("has 1000"), std::string::npos) << e;
}

TEST_F(LutFile, UnreadableFileIsNamed) {
  const std::string e = error_of("lut:" + path("missing.bin"));
  EXPECT_NE(e.find("cannot read"), std::string::npos) << e;
  EXPECT_NE(e.find("missing.bin"), std::string::npos) << e;
  EXPECT_NE(error_of("lut:" + m_dir.string()).find("is a folder"), std::string::npos);
}

TEST_F(LutFile, OutOfRangeProductIsRefusedWithItsOperands) {
  std::string bytes(65536 * 4, '\0');
  const std::size_t i = (7 << 8) | 9;
  bytes[4 * i + 2] = 0x02;  // 131072 > 65535
  write("big.bin", bytes);
  const std::string e = error_of("lut:" + path("big.bin"));
  EXPECT_NE(e.find("product 131072 for operands a=7, b=9"), std::string::npos) << e;
}

TEST_F(LutFile, MalformedCsvNamesLineAndColumn) {
  std::string row;
  for (int b = 0; b < 256; ++b) row += (b ? "," : "") + std::to_string(b);
  std::string csv;
  for (int a = 0; a < 256; ++a) csv += (a == 4 ? "1,2,x\n" : row + "\n");
  write("bad.csv", csv);
  EXPECT_NE(error_of("lut:" + path("bad.csv")).find(":5: expected 256 values, got 3"),
            std::string::npos);
  std::string csv2;
  for (int a = 0; a < 256; ++a) csv2 += (a == 2 ? "q" + row.substr(1) : row) + "\n";
  write("bad2.csv", csv2);
  EXPECT_NE(error_of("lut:" + path("bad2.csv")).find(":3: column 1: 'q' is not an integer"),
            std::string::npos);
  write("short.csv", row + "\n");
  EXPECT_NE(error_of("lut:" + path("short.csv")).find("256 rows, this file has 1"),
            std::string::npos);
  EXPECT_NE(error_of("lut:").find("no file after 'lut:'"), std::string::npos);
}

}  // namespace
}  // namespace axpod::mult
