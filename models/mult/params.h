// Integer parameters of multiplier families, declared once per family; the declarations are
// the schema that parsing, `axpod mult describe` and error messages use.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace axpod::mult {

/// One declared parameter: all multiplier parameters are small integers.
struct ParamDecl {
  std::string name;  // key in a multiplier name, e.g. "k" in "drum:k=4"
  std::string desc;  // one line for --help and describe
  int def = 0;       // value when the name omits it
  int lo = 0;        // smallest accepted value
  int hi = 0;        // largest accepted value
};

/// Values of a family's parameters, complete (defaults filled in) and range-checked.
class Params {
 public:
  Params() = default;
  Params(std::vector<std::pair<std::string, int>> values, bool is_signed)
      : m_values(std::move(values)), m_signed(is_signed) {}

  /// Value of a declared parameter; throws std::logic_error for an undeclared one.
  int get(const std::string& name) const;
  bool is_signed() const { return m_signed; }
  const std::vector<std::pair<std::string, int>>& values() const { return m_values; }

 private:
  std::vector<std::pair<std::string, int>> m_values;  // in declaration order
  bool m_signed = false;                              // the implicit `signed` parameter
};

}  // namespace axpod::mult
