// The R x C PE array of one pod, stepped one clock at a time (plain C++, no SystemC).
//
// Stationary dataflows (ws, is): every PE holds one stationary operand (double-buffered: a
// shadow copy is written row by row while the array computes, `swap()` makes it active).
// Each clock the streaming operand enters the left edge (row r of the edge feeds PE(r, 0)),
// moves one PE to the right, and partial sums move one PE down; the bottom edge delivers one
// int32 sum per column. With the edge fed skewed (row r gets element t - r at clock t), the sum
// for stream index i and column c leaves the bottom at clock i + R - 1 + c of the fold.
//
// Output stationary (os): operand A enters the left edge and moves right, operand B enters the
// top edge and moves down, and each PE accumulates its own int32 output, read at fold end.
//
// Products come from the multiplier table: T[(first << 8) | second] on raw bytes, first = the
// activation, second = the weight (DESIGN.md, numeric contract). A PE adds a product only when
// both of its operands are valid; one with a zero operand counts as gated (no multiplier
// energy) but still adds the table's product.
#pragma once

#include <cstdint>
#include <vector>

#include "mult/table.h"

namespace axpod::core {

/// Activity since construction (or the last reset_activity()).
struct ArrayActivity {
  std::uint64_t mac_slots = 0;          // PE-cycles that multiplied two valid operands
  std::uint64_t gated = 0;              // of which an operand was zero (multiplier gated)
  std::uint64_t edge_reads = 0;         // valid operands read into the edges from pod SRAM
  std::uint64_t stationary_writes = 0;  // stationary operands written into PE registers
  std::uint64_t outputs = 0;            // valid sums delivered (stationary) or read out (os)
};

/// What an array of a stationary dataflow does in one clock, in this order: the left edge takes
/// `left` (when `tick`), shadow row `row` is written (its first `ncols` entries valid; row 0
/// also invalidates rows >= `nrows`), the shadow and active registers swap.
struct ArrayClock {
  bool tick = false;
  const std::int8_t* left = nullptr;
  const std::uint8_t* left_valid = nullptr;
  int row = -1;  // -1: no write
  const std::int8_t* values = nullptr;
  int ncols = 0, nrows = 0;
  bool swap = false;
  bool any() const { return tick || row >= 0 || swap; }
};

/// A pod's array as the pod drives it in a stationary dataflow: the C++ SystolicArray, or a
/// Verilated RTL pod (rtl/pod/), registered by shape and multiplier (make_array_model).
class ArrayModel {
 public:
  virtual ~ArrayModel() = default;
  /// One clock; the bottom edge's sums and their validity after it.
  virtual void clock(const ArrayClock& c, std::int32_t* bottom, std::uint8_t* bottom_valid) = 0;
  virtual const ArrayActivity& activity() const = 0;
};

class SystolicArray : public ArrayModel {
 public:
  /// `stationary_first`: the stationary operand is the table's first (activation) operand, as
  /// in input-stationary; false for weight-stationary.
  SystolicArray(int rows, int cols, const mult::Table* table, bool stationary_first = false);

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }

  // ---- stationary dataflows ----------------------------------------------------------
  /// Writes one row of the shadow registers (`n` valid values; the rest of the row invalid).
  void load_shadow_row(int row, const std::int8_t* values, int n);
  /// Marks rows >= `rows_used` of the shadow invalid (a partial tile).
  void clear_shadow_rows(int rows_used);
  /// Makes the shadow registers active.
  void swap();
  /// One clock: `left`/`left_valid` (rows entries) enter the left edge; the bottom edge sums
  /// and their validity are written to `bottom`/`bottom_valid` (cols entries).
  void tick(const std::int8_t* left, const std::uint8_t* left_valid, std::int32_t* bottom,
            std::uint8_t* bottom_valid);

  // ---- output stationary -------------------------------------------------------------
  /// One clock: `left` enters the rows (activations), `top` the columns (weights).
  void tick_os(const std::int8_t* left, const std::uint8_t* left_valid, const std::int8_t* top,
               const std::uint8_t* top_valid);
  /// The accumulated outputs (rows x cols, row-major); `clear` zeroes them for the next fold.
  void read_os(std::int32_t* out, int rows_used, int cols_used, bool clear);

  /// Clears all data registers (not the tables); used between layers.
  void reset();
  /// True when no valid operand or sum is in flight.
  bool empty() const;

  const ArrayActivity& activity() const override { return m_act; }
  void clock(const ArrayClock& c, std::int32_t* bottom, std::uint8_t* bottom_valid) override {
    if (c.tick) tick(c.left, c.left_valid, bottom, bottom_valid);
    if (c.row >= 0) {
      load_shadow_row(c.row, c.values, c.ncols);
      if (c.row == 0) clear_shadow_rows(c.nrows);
    }
    if (c.swap) swap();
  }
  void reset_activity() { m_act = {}; }

 private:
  int m_rows, m_cols;                     // array size
  const std::int32_t* m_table;            // 65,536 products
  bool m_stationary_first;                // table operand order for stationary dataflows
  std::vector<std::int32_t> m_zero_sums;  // the sums above row 0 (all zero)
  std::vector<std::int8_t> m_stat;        // active stationary operands (rows x cols)
  std::vector<std::uint8_t> m_stat_v;     // their validity
  std::vector<std::int8_t> m_shadow;      // shadow stationary operands
  std::vector<std::uint8_t> m_shadow_v;
  std::vector<std::int8_t> m_flow[2];  // moving operand registers (double buffer)
  std::vector<std::uint8_t> m_flow_v[2];
  std::vector<std::int32_t> m_sum[2];  // partial sums (double buffer); os: accumulators
  std::vector<std::uint8_t> m_sum_v[2];
  std::vector<std::int8_t> m_down[2];  // os: operands moving down
  std::vector<std::uint8_t> m_down_v[2];
  int m_cur = 0;                 // index of the current buffers
  std::int64_t m_in_flight = 0;  // valid entries in the moving registers
  ArrayActivity m_act;           // counters
  // Where a row can have valid moving operands: columns [lo, hi) (a superset: the operands
  // enter at column 0 and move one column a clock), and how many valid stationary operands
  // each row holds (active and shadow). Outside them a PE adds nothing: its sum passes down.
  std::vector<int> m_lo, m_hi;
  std::vector<int> m_stat_rows, m_shadow_rows;

  struct RowCounts {  // what rows [r0, r1) did in one clock
    std::uint64_t slots = 0, gated = 0, reads = 0;
    std::int64_t in_flight = 0;
  };
  /// Rows [r0, r1) of tick() (independent of the other rows within a clock).
  RowCounts tick_rows(int r0, int r1, const std::int8_t* left, const std::uint8_t* left_valid);
};

}  // namespace axpod::core
