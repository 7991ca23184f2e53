// Multipliers from anyone's Verilog: `verilog:PATH.v[:top=M,a=A,b=B,out=O,signed=1]`.
// Yosys reads the file (helper modules in it included), finds the top module (or `top=`) and
// its ports (two 8-bit inputs and one 16- or 17-bit output when not named), and synthesizes it
// inside a wrapper to the gate library; the gate netlist is simulated on all 65,536 operand
// pairs to give the table, and the same gate library and toggle counting give area, depth and
// energy. A 16-bit output of a signed circuit is read as two's complement (EvoApprox8b's
// mul8s_* convention: ports A[7:0], B[7:0], O[15:0]).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mult/characterize.h"
#include "mult/i_multiplier.h"

namespace axpod::mult {

/// What a `verilog:` name says.
struct VerilogSpec {
  std::string path;        // the Verilog file
  std::string top;         // top module ("" = Yosys' automatic choice)
  std::string a, b, out;   // port names ("" = detected)
  bool is_signed = false;  // operands are two's complement
  std::string canonical;   // the name with every option explicit, as detected
};

/// Parses a `verilog:` name (no file access); axpod::Error on a malformed one.
VerilogSpec parse_verilog_name(const std::string& name);

/// A Verilog multiplier, synthesized once per process (cached by file, time and options).
struct VerilogMultiplier {
  VerilogSpec spec;                 // with top and ports resolved
  Netlist netlist;                  // gate netlist of the wrapped circuit
  std::vector<product_t> products;  // 65,536 products in table order
};

/// Loads (or returns the cached) `verilog:` multiplier; axpod::Error naming the file, the ports
/// found and what was expected when it cannot be used.
std::shared_ptr<const VerilogMultiplier> load_verilog(const std::string& name);

/// The IMultiplier of a loaded Verilog multiplier.
std::unique_ptr<IMultiplier> verilog_model(std::shared_ptr<const VerilogMultiplier> v);

/// The gate netlist of a multiplier (canonical name): a `verilog:` circuit's, or its RTL
/// twin synthesized with `lib`; nullopt for a multiplier without one.
std::optional<Netlist> gate_netlist(const std::string& canonical, const GateLibrary& lib);

/// Energy per operation (fJ) of a `verilog:` multiplier with the shipped gate library over the
/// catalog's default operands (20,000 uniform pairs, seed 1).
double verilog_energy_fj(const std::string& name);

}  // namespace axpod::mult
