// Gate-level netlists of multipliers, as Yosys writes them (`write_blif -icells` after
// `abc -g ...`), and a bit-parallel simulator that counts output toggles per gate for energy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mult/i_multiplier.h"

namespace axpod::mult {

enum class GateType { kBuf, kNot, kAnd, kNand, kOr, kNor, kXor, kXnor, kAndNot, kOrNot, kMux };

/// Library name of a gate type, e.g. "NAND" (the keys of configs/gate_library.yaml).
const char* gate_name(GateType t);

struct Gate {
  GateType type;  // function
  int in0;        // net A (for MUX: the input selected when S = 0)
  int in1;        // net B (-1 when unused)
  int sel;        // net S for MUX (-1 otherwise)
  int out;        // net Y
};

/// One 8x8 multiplier netlist with inputs a[0..7], b[0..7] and outputs p[0..16]
/// (p[16] may be absent for unsigned designs: it then reads as 0).
class Netlist {
 public:
  /// Parses Yosys BLIF; throws axpod::Error on anything it does not understand.
  static Netlist parse_blif(const std::string& text, const std::string& name);

  /// Number of logic gates of each type (buffers excluded).
  std::map<GateType, int> gate_counts() const;
  /// Longest input-to-output path in logic gates (buffers count 0).
  int depth() const;
  const std::vector<Gate>& gates() const { return m_gates; }
  /// Net of input a[k] (k < 8) or b[k - 8] (k < 16).
  int input_net(int k) const { return m_inputs[k]; }
  /// Net of output p[k] (-1: not driven, reads 0).
  int output_net(int k) const { return m_outputs[k]; }
  /// Net of the constant 0 or 1.
  int const_net(bool one) const { return one ? m_const1 : m_const0; }
  /// Number of nets (net indices are below it).
  std::size_t net_count() const { return m_net_ids.size(); }

  struct Activity {
    std::vector<product_t> products;     // the netlist's product for each operand pair
    std::vector<std::uint64_t> toggles;  // per gate: output changes between consecutive pairs
  };
  /// Applies the operand pairs in order (64 at a time, bit-parallel).
  Activity simulate(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) const;

 private:
  int net(const std::string& name);

  std::map<std::string, int> m_net_ids;  // net name -> index
  std::vector<Gate> m_gates;             // topologically sorted
  int m_inputs[16] = {};                 // net of a[0..7], b[0..7]
  int m_outputs[17] = {};                // net of p[0..16] (-1: constant 0)
  int m_const0 = -1;                     // net index of constant 0
  int m_const1 = -1;                     // net index of constant 1
};

}  // namespace axpod::mult
