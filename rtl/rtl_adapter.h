// Adapts a Verilated multiplier (ports a[7:0], b[7:0], p[16:0]) to IMultiplier and registers it
// as "rtl:<behavioural name>". The generated rtl_models.cpp calls register_rtl once per model.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mult/registry.h"

namespace axpod::rtl {

/// Sign-extends the 17-bit product port.
inline mult::product_t sign_extend17(std::uint32_t p) {
  p &= 0x1FFFFu;
  return (p & 0x10000u) ? static_cast<mult::product_t>(p) - 0x20000
                        : static_cast<mult::product_t>(p);
}

/// One Verilated model. multiply() drives the ports and evaluates the combinational netlist;
/// it is not thread-safe (build a mult::Table to share the function across threads).
template <class V>
class VerilatedMultiplier final : public mult::IMultiplier {
 public:
  VerilatedMultiplier() : m_model(std::make_unique<V>()) {}
  ~VerilatedMultiplier() override { m_model->final(); }

  mult::product_t multiply(std::uint8_t a, std::uint8_t b) const override {
    m_model->a = a;
    m_model->b = b;
    m_model->eval();
    return sign_extend17(m_model->p);
  }

 private:
  std::unique_ptr<V> m_model;  // mutable state of the simulation (ports), hence not const
};

template <class V>
bool register_rtl(const std::string& behavioural, const std::string& top,
                  std::vector<std::string> sources,
                  std::vector<std::pair<std::string, int>> verilog_params) {
  return mult::Registry::instance().add_rtl(mult::RtlInfo{
      "rtl:" + behavioural, behavioural, top, std::move(sources), std::move(verilog_params),
      [] { return std::unique_ptr<mult::IMultiplier>(new VerilatedMultiplier<V>()); }});
}

}  // namespace axpod::rtl
