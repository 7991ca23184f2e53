// The golden Verilog pod (rtl/pod/axpod_ws_pod.v), Verilated, as a pod's array in the
// cycle-level model (`model: rtl` in an accelerator's pods): the pod drives its ports once per
// clock (left edge, one shadow-row write, swap) and reads the bottom edge's sums back, so a
// whole network runs through the RTL beside C++ pods. Activity (for energy) is counted from the
// operands the pod drives, as the C++ array counts it, so both cost the same per clock.
#include <bit>
#include <memory>
#include <type_traits>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"  // Verilator's runtime headers
#include "Vaxpod_pod16_exact.h"
#include "Vaxpod_pod8_drum4.h"
#include "Vaxpod_pod8_exact.h"
#pragma GCC diagnostic pop
#include "array_registry.h"

namespace axpod::rtl {
namespace {

template <class Port>
void put_byte(Port& port, int i, std::uint8_t v) {
  if constexpr (std::is_integral_v<Port>) {
    port = static_cast<Port>((port & ~(static_cast<Port>(0xFF) << (8 * i))) |
                             (static_cast<Port>(v) << (8 * i)));
  } else {
    port[i / 4] = (port[i / 4] & ~(0xFFu << (8 * (i % 4)))) |
                  (static_cast<std::uint32_t>(v) << (8 * (i % 4)));
  }
}

template <class V>
class RtlPod final : public core::ArrayModel {
 public:
  RtlPod(int rows, int cols)
      : m_v(std::make_unique<V>()),
        m_rows(rows),
        m_cols(cols),
        m_act(static_cast<std::size_t>(rows * cols), 0),
        m_act_v(m_act.size(), 0),
        m_stat(m_act.size(), 0),
        m_stat_v(m_act.size(), 0),
        m_shadow(m_act.size(), 0),
        m_shadow_v(m_act.size(), 0) {}
  ~RtlPod() override { m_v->final(); }

  void clock(const core::ArrayClock& k, std::int32_t* bottom, std::uint8_t* bottom_valid) override {
    V& v = *m_v;
    const int R = m_rows, C = m_cols;
    v.a_valid = 0;
    for (int r = 0; r < R; ++r) {
      const bool valid = k.tick && k.left_valid[r];
      put_byte(v.a_in, r, static_cast<std::uint8_t>(valid ? k.left[r] : 0));
      using Valid = std::remove_reference_t<decltype(v.a_valid)>;
      v.a_valid = static_cast<Valid>(v.a_valid | (static_cast<Valid>(valid) << r));
    }
    v.w_we = k.row >= 0;
    v.w_row = k.row >= 0 ? k.row : 0;
    v.w_ncols = k.ncols;
    v.w_nrows = k.nrows;
    for (int c = 0; c < C; ++c)
      put_byte(v.w_in, c, static_cast<std::uint8_t>(k.row >= 0 && c < k.ncols ? k.values[c] : 0));
    v.swap = k.swap;
    count(k);
    v.clk = 0;
    v.eval();
    v.clk = 1;
    v.eval();
    for (int c = 0; c < C; ++c) {
      bottom_valid[c] = static_cast<std::uint8_t>((v.p_valid >> c) & 1);
      bottom[c] = static_cast<std::int32_t>(v.p_out[c]);
      m_activity.outputs += bottom_valid[c];
    }
  }
  const core::ArrayActivity& activity() const override { return m_activity; }

 private:
  // The operands move as in the RTL: each row shifts right, the edge value enters column 0; a
  // PE multiplies when its new operand and its active stationary value are valid.
  void count(const core::ArrayClock& k) {
    const int R = m_rows, C = m_cols;
    for (int r = 0; r < R; ++r) {
      const std::size_t base = static_cast<std::size_t>(r * C);
      for (int c = C - 1; c > 0; --c) {
        m_act[base + c] = m_act[base + c - 1];
        m_act_v[base + c] = m_act_v[base + c - 1];
      }
      const bool valid = k.tick && k.left_valid[r];
      m_act[base] = valid ? k.left[r] : 0;
      m_act_v[base] = valid;
      m_activity.edge_reads += valid;
      for (int c = 0; c < C; ++c) {
        const bool mac = m_act_v[base + c] && m_stat_v[base + c];
        m_activity.mac_slots += mac;
        m_activity.gated += mac && (m_act[base + c] == 0 || m_stat[base + c] == 0);
      }
    }
    if (k.row >= 0) {
      for (int c = 0; c < C; ++c) {
        const std::size_t i = static_cast<std::size_t>(k.row * C + c);
        m_shadow[i] = c < k.ncols ? k.values[c] : 0;
        m_shadow_v[i] = c < k.ncols;
      }
      if (k.row == 0)
        for (std::size_t i = static_cast<std::size_t>(k.nrows * C); i < m_shadow_v.size(); ++i)
          m_shadow_v[i] = 0;
      m_activity.stationary_writes += static_cast<std::uint64_t>(k.ncols);
    }
    if (k.swap) {
      m_stat.swap(m_shadow);
      m_stat_v.swap(m_shadow_v);
    }
  }

  std::unique_ptr<V> m_v;                            // the Verilated pod
  int m_rows, m_cols;                                // its shape
  std::vector<std::int8_t> m_act, m_stat, m_shadow;  // operands, for the activity counters
  std::vector<std::uint8_t> m_act_v, m_stat_v, m_shadow_v;
  core::ArrayActivity m_activity;  // as the C++ array counts
};

template <class V>
bool add(int rows, int cols, const char* mult) {
  return core::register_rtl_pod(rows, cols, mult, [rows, cols] {
    return std::unique_ptr<core::ArrayModel>(new RtlPod<V>(rows, cols));
  });
}

// The golden pods rtl/CMakeLists.txt builds.
const bool kPods = add<Vaxpod_pod8_exact>(8, 8, "exact:signed=1") &&
                   add<Vaxpod_pod8_drum4>(8, 8, "drum:k=4,signed=1") &&
                   add<Vaxpod_pod16_exact>(16, 16, "exact:signed=1");

}  // namespace
}  // namespace axpod::rtl
