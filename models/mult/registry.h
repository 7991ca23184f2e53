// The multiplier registry: behavioural families (one .cpp each under impl/, registered at the
// bottom with AXPOD_REGISTER_MULTIPLIER), Verilated RTL models (registered by rtl/ as
// `rtl:<family>:<params>`), and truth-table files (`lut:PATH`, `lut:signed:PATH`).
//
//   auto m = mult::Registry::instance().create("drum:k=4");
//   std::int32_t p = m.model->multiply(200, 13);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mult/i_multiplier.h"
#include "mult/params.h"

namespace axpod::mult {

using Factory = std::function<std::unique_ptr<IMultiplier>(const Params&)>;

/// A behavioural family: name, one-line description, parameter schema, factory.
struct FamilyInfo {
  std::string name;               // e.g. "drum"
  std::string description;        // mandatory one-liner
  std::vector<ParamDecl> params;  // schema (the implicit `signed` is not listed)
  Factory factory;                // builds a model from checked parameters
};

/// A Verilated RTL model of one family at one parameter set.
struct RtlInfo {
  std::string name;                  // canonical, e.g. "rtl:drum:k=4,signed=1"
  std::string behavioural;           // the behavioural twin, e.g. "drum:k=4,signed=1"
  std::string top;                   // Verilog top module
  std::vector<std::string> sources;  // Verilog files relative to rtl/multipliers/
  std::vector<std::pair<std::string, int>> verilog_params;  // parameter overrides
  std::function<std::unique_ptr<IMultiplier>()> factory;    // the Verilated model
};

/// A created multiplier with its description.
struct Created {
  MultiplierInfo info;                 // canonical name, family, signedness, source
  std::unique_ptr<IMultiplier> model;  // never null
};

class Registry {
 public:
  /// The process-wide registry (a function-local static, safe during static initialisation).
  static Registry& instance();

  /// Adds a family; a duplicate name is a programming error (std::logic_error).
  bool add_family(FamilyInfo family);
  /// Adds an RTL model; a duplicate name is a programming error (std::logic_error).
  bool add_rtl(RtlInfo rtl);
  /// Adds a synthesis twin: Verilog that Yosys turns into the gate netlist that costs a
  /// behavioural multiplier, without a Verilated model (no `rtl:` name). Its `factory` is empty.
  bool add_twin(RtlInfo twin);
  /// The Verilog that costs a multiplier: its RTL model's or its synthesis twin's; null if none.
  const RtlInfo* verilog_twin(const std::string& canonical) const;

  /// Creates a multiplier from a name: `family[:key=value,...]`, `rtl:family[:...]`,
  /// `lut:PATH`, `lut:signed:PATH` or `verilog:PATH.v[:top=M,a=A,b=B,out=O,signed=1]`.
  /// Throws axpod::Error with a clear message (unknown family with a suggestion, unknown or
  /// out-of-range parameter, unreadable table, unusable Verilog).
  Created create(const std::string& name) const;

  /// Canonical form of a behavioural or rtl name (all parameters explicit, declared order).
  std::string canonical(const std::string& name) const;

  const std::map<std::string, FamilyInfo>& families() const { return m_families; }
  const std::map<std::string, RtlInfo>& rtl_models() const { return m_rtl; }
  const std::map<std::string, RtlInfo>& twins() const { return m_twins; }
  const FamilyInfo& family(const std::string& name) const;

 private:
  Registry() = default;
  struct Parsed {
    const FamilyInfo* family;
    Params params;
  };
  Parsed parse(const std::string& spec, const std::string& shown) const;
  static std::string canonical_of(const FamilyInfo& fam, const Params& p);

  std::map<std::string, FamilyInfo> m_families;  // behavioural families by name
  std::map<std::string, RtlInfo> m_rtl;          // RTL models by canonical name
  std::map<std::string, RtlInfo> m_twins;        // synthesis twins by behavioural name
};

/// Registration helper for AXPOD_REGISTER_MULTIPLIER: `Class` has a constructor
/// `Class(const Params&)` and a static `std::vector<ParamDecl> params()`.
template <class Class>
bool register_family(const char* name, const char* description) {
  return Registry::instance().add_family(
      FamilyInfo{name, description, Class::params(),
                 [](const Params& p) { return std::unique_ptr<IMultiplier>(new Class(p)); }});
}

}  // namespace axpod::mult

/// Registers a behavioural family; put it at the bottom of the family's .cpp.
#define AXPOD_REGISTER_MULTIPLIER(Class, name, description)     \
  namespace {                                                   \
  [[maybe_unused]] const bool kRegistered##Class =              \
      ::axpod::mult::register_family<Class>(name, description); \
  }
