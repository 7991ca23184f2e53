// Verilog multipliers from anywhere (`verilog:` names): port detection, helper modules, signed
// 16-bit outputs, the table from the gate netlist, costs, and clear errors.
#include "mult/verilog_import.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "analytical/model.h"
#include "common/error.h"
#include "mult/registry.h"
#include "mult/table.h"

namespace axpod::mult {
namespace {

std::string write(const std::string& file, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + file;
  std::ofstream(path) << text;
  return path;
}

// An exact unsigned multiplier in EvoApprox8b's port naming, with a helper module in the file.
const char* kUnsigned = R"(
module pass_lsb(input x, output y);
  assign y = x | 1'b0;
endmodule
module mul8u_ex(input [7:0] A, input [7:0] B, output [15:0] O);
  wire [15:0] full = A * B;
  wire lsb;
  pass_lsb u0 (.x(full[0]), .y(lsb));
  assign O = {full[15:1], lsb};
endmodule
)";

TEST(VerilogImport, DetectsPortsAndGivesTheNetlistsTable) {
  const std::string path = write("mul8u_ex.v", kUnsigned);
  const auto m = Registry::instance().create("verilog:" + path);
  EXPECT_EQ(m.info.source, Source::verilog);
  EXPECT_FALSE(m.info.is_signed);
  const Table t(*m.model);
  for (int a = 0; a < 256; a += 7)
    for (int b = 0; b < 256; b += 3) ASSERT_EQ(t(a, b), a * b) << a << "x" << b;
  const auto v = load_verilog("verilog:" + path);
  EXPECT_EQ(v->spec.canonical, "verilog:" + path + ":top=mul8u_ex,a=A,b=B,out=O,signed=0");
  // The same gate library and toggle counting as the catalog: an exact 8x8 array costs about
  // what the shipped exact multiplier does (200 fJ).
  const double fj = analytical::MultiplierEnergies().fj("verilog:" + path);
  EXPECT_GT(fj, 120.0);
  EXPECT_LT(fj, 300.0);
}

TEST(VerilogImport, ASigned16BitOutputIsTwosComplement) {
  const std::string path = write("mul8s_ex.v", R"(
module mul8s_ex(input [7:0] A, input [7:0] B, output [15:0] O);
  assign O = $signed(A) * $signed(B);
endmodule
)");
  const auto m = Registry::instance().create("verilog:" + path + ":signed=1");
  EXPECT_TRUE(m.info.is_signed);
  const Table t(*m.model);
  const Table exact(*Registry::instance().create("exact:signed=1").model);
  EXPECT_EQ(t.products(), exact.products());
}

TEST(VerilogImport, NamedPortsAndClearErrors) {
  const std::string path = write("odd_ports.v", R"(
module odd(input [7:0] x, input [7:0] y, input en, output [16:0] prod);
  assign prod = en ? x * y : 17'd0;
endmodule
)");
  try {
    Registry::instance().create("verilog:" + path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("input x[8], input y[8], input en[1], output prod[17]"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("expected exactly two 8-bit inputs"), std::string::npos) << msg;
  }
  EXPECT_THROW(Registry::instance().create("verilog:" + path + ":a=x,b=y,out=prod"), Error);
  EXPECT_THROW(parse_verilog_name("verilog:"), Error);
  EXPECT_THROW(parse_verilog_name("verilog:m.txt"), Error);
  EXPECT_THROW(parse_verilog_name("verilog:m.v:depth=3"), Error);
  EXPECT_THROW(parse_verilog_name("verilog:m.v:a=x,a=y"), Error);
  EXPECT_THROW(parse_verilog_name("verilog:m.v:top=x;y"), Error);
  EXPECT_THROW(Registry::instance().create("verilog:/nonexistent/m.v"), Error);
  const auto s = parse_verilog_name("verilog:dir/m.v:top=mul,signed=1");
  EXPECT_EQ(s.path, "dir/m.v");
  EXPECT_EQ(s.top, "mul");
  EXPECT_TRUE(s.is_signed);
}

// A file Yosys cannot read is reported by Yosys' own error line (file and line), not by the
// end of its log (its licence banner when it stops early).
TEST(VerilogImport, ASyntaxErrorIsReportedByItsLine) {
  const std::string path =
      write("broken.v", R"(module broken(input [7:0] a, input [7:0] b, output [15:0] o)
  assign o = a * ;
endmodule
)");
  try {
    Registry::instance().create("verilog:" + path);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path + ":2: ERROR: syntax error"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("LIABILITY"), std::string::npos) << msg;
  }
}

// A design that never finishes elaborating (a generate loop of 10^8 blocks) is stopped at the
// Yosys time limit with a clear error naming the file and the variable; a limit that is not a
// number is refused.
TEST(VerilogImport, AYosysRunPastItsLimitIsStopped) {
  const std::string path = write("endless.v", R"(
module endless(input [7:0] a, input [7:0] b, output [15:0] o);
  genvar i;
  generate for (i = 0; i < 100000000; i = i + 1) begin : g
    wire w;
  end endgenerate
  assign o = a * b;
endmodule
)");
  ::setenv("AXPOD_YOSYS_SECONDS", "1", 1);
  const auto start = std::chrono::steady_clock::now();
  try {
    Registry::instance().create("verilog:" + path);
    ADD_FAILURE() << "expected a time-limit error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ran past its limit of 1 s on " + path), std::string::npos) << msg;
    EXPECT_NE(msg.find("AXPOD_YOSYS_SECONDS"), std::string::npos) << msg;
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30);
  ::setenv("AXPOD_YOSYS_SECONDS", "soon", 1);
  EXPECT_THROW(yosys_time_limit(), Error);
  ::setenv("AXPOD_YOSYS_SECONDS", "-1", 1);
  EXPECT_THROW(yosys_time_limit(), Error);
  ::unsetenv("AXPOD_YOSYS_SECONDS");
  EXPECT_EQ(yosys_time_limit(), 300);
}

}  // namespace
}  // namespace axpod::mult
