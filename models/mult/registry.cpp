#include "mult/registry.h"

#include <algorithm>
#include <stdexcept>

#include "common/error.h"
#include "common/text.h"
#include "mult/lut_file.h"
#include "mult/verilog_import.h"

namespace axpod::mult {

const char* to_string(Source s) {
  switch (s) {
    case Source::behavioural:
      return "behavioural";
    case Source::rtl:
      return "rtl";
    case Source::lut:
      return "lut";
    case Source::verilog:
      return "verilog";
  }
  return "?";
}

int Params::get(const std::string& name) const {
  for (const auto& [k, v] : m_values)
    if (k == name) return v;
  throw std::logic_error("multiplier parameter '" + name + "' was not declared");
}

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

bool Registry::add_family(FamilyInfo family) {
  if (family.description.empty())
    throw std::logic_error("multiplier family '" + family.name + "' has no description");
  const std::string name = family.name;
  if (!m_families.emplace(name, std::move(family)).second)
    throw std::logic_error("multiplier family '" + name + "' registered twice");
  return true;
}

bool Registry::add_rtl(RtlInfo rtl) {
  const std::string name = rtl.name;
  if (!m_rtl.emplace(name, std::move(rtl)).second)
    throw std::logic_error("RTL multiplier '" + name + "' registered twice");
  return true;
}

bool Registry::add_twin(RtlInfo twin) {
  const std::string name = twin.behavioural;
  if (!m_twins.emplace(name, std::move(twin)).second)
    throw std::logic_error("synthesis twin of '" + name + "' registered twice");
  return true;
}

const RtlInfo* Registry::verilog_twin(const std::string& canonical) const {
  const std::string behavioural = canonical.rfind("rtl:", 0) == 0 ? canonical.substr(4) : canonical;
  if (const auto it = m_rtl.find("rtl:" + behavioural); it != m_rtl.end()) return &it->second;
  if (const auto it = m_twins.find(behavioural); it != m_twins.end()) return &it->second;
  return nullptr;
}

const FamilyInfo& Registry::family(const std::string& name) const {
  const auto it = m_families.find(name);
  if (it == m_families.end()) throw Error("unknown multiplier family '" + name + "'");
  return it->second;
}

std::string Registry::canonical_of(const FamilyInfo& fam, const Params& p) {
  std::string out = fam.name;
  char sep = ':';
  for (const auto& [k, v] : p.values()) {
    out += sep + k + "=" + std::to_string(v);
    sep = ',';
  }
  if (p.is_signed()) out += sep + std::string("signed=1");
  return out;
}

Registry::Parsed Registry::parse(const std::string& spec, const std::string& shown) const {
  const std::size_t colon = spec.find(':');
  const std::string fam_name = spec.substr(0, colon);
  const auto it = m_families.find(fam_name);
  if (it == m_families.end()) {
    std::vector<std::string> names;
    for (const auto& [n, f] : m_families) names.push_back(n);
    std::string msg = "unknown multiplier '" + shown + "': no family '" + fam_name + "'";
    const std::string guess = text::closest(fam_name, names);
    if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
    msg += "; `axpod mult list` shows the known ones";
    throw Error(msg);
  }
  const FamilyInfo& fam = it->second;
  std::vector<std::pair<std::string, int>> values;
  for (const auto& d : fam.params) values.emplace_back(d.name, d.def);
  bool is_signed = false;
  if (colon != std::string::npos) {
    const std::string rest = spec.substr(colon + 1);
    if (rest.empty()) throw Error("multiplier '" + shown + "': empty parameter list after ':'");
    std::vector<std::string> given;  // keys seen: a repeated one is an error, not "last wins"
    for (const std::string& field : text::split(rest, ',')) {
      const std::size_t eq = field.find('=');
      if (eq == std::string::npos)
        throw Error("multiplier '" + shown + "': parameter '" + field + "' is not key=value");
      const std::string key = text::trim(field.substr(0, eq));
      const std::string val = text::trim(field.substr(eq + 1));
      if (std::find(given.begin(), given.end(), key) != given.end())
        throw Error("multiplier '" + shown + "': parameter '" + key + "' is given twice");
      given.push_back(key);
      if (key == "signed") {
        if (val == "1" || val == "true") {
          is_signed = true;
        } else if (val == "0" || val == "false") {
          is_signed = false;
        } else {
          throw Error("multiplier '" + shown + "': signed must be 0 or 1, got '" + val + "'");
        }
        continue;
      }
      const ParamDecl* decl = nullptr;
      for (const auto& d : fam.params)
        if (d.name == key) decl = &d;
      if (decl == nullptr) {
        std::string known;
        for (const auto& d : fam.params) known += (known.empty() ? "" : ", ") + d.name;
        known += std::string(known.empty() ? "" : ", ") + "signed";
        throw Error("multiplier '" + shown + "': family '" + fam.name + "' has no parameter '" +
                    key + "' (it takes: " + known + ")");
      }
      long long v = 0;
      if (!text::parse_int(val, v) || v < decl->lo || v > decl->hi)
        throw Error("multiplier '" + shown + "': " + key + " must be an integer in [" +
                    std::to_string(decl->lo) + ", " + std::to_string(decl->hi) + "], got '" + val +
                    "'");
      for (auto& [k, x] : values)
        if (k == key) x = static_cast<int>(v);
    }
  }
  return Parsed{&fam, Params(std::move(values), is_signed)};
}

std::string Registry::canonical(const std::string& name) const {
  if (name.rfind("lut:", 0) == 0) return name;
  if (name.rfind("verilog:", 0) == 0) {
    parse_verilog_name(name);  // malformed names fail here, before any work
    return text::trim(name);
  }
  if (name.rfind("rtl:", 0) == 0) {
    const Parsed p = parse(name.substr(4), name);
    return "rtl:" + canonical_of(*p.family, p.params);
  }
  const Parsed p = parse(name, name);
  return canonical_of(*p.family, p.params);
}

Created Registry::create(const std::string& name) const {
  const std::string trimmed = text::trim(name);
  if (trimmed.empty()) throw Error("empty multiplier name");
  if (trimmed.rfind("lut:", 0) == 0) {
    std::string path = trimmed.substr(4);
    bool is_signed = false;
    if (path.rfind("signed:", 0) == 0) {
      is_signed = true;
      path = path.substr(7);
    }
    if (path.empty()) throw Error("multiplier '" + trimmed + "': no file after 'lut:'");
    auto model = load_lut_multiplier(path);
    return Created{
        MultiplierInfo{trimmed, "lut", is_signed, Source::lut, "truth table loaded from " + path},
        std::move(model)};
  }
  if (trimmed.rfind("verilog:", 0) == 0) {
    auto v = load_verilog(trimmed);
    const bool is_signed = v->spec.is_signed;
    const std::string what = "gate netlist of " + v->spec.canonical;
    return Created{MultiplierInfo{trimmed, "verilog", is_signed, Source::verilog, what},
                   verilog_model(std::move(v))};
  }
  if (trimmed.rfind("rtl:", 0) == 0) {
    const Parsed p = parse(trimmed.substr(4), trimmed);
    const std::string canon = "rtl:" + canonical_of(*p.family, p.params);
    const auto it = m_rtl.find(canon);
    if (it == m_rtl.end()) {
      std::string msg = "no RTL model '" + canon + "'";
      std::string avail;
      for (const auto& [n, r] : m_rtl)
        if (n.rfind("rtl:" + p.family->name, 0) == 0) avail += (avail.empty() ? "" : ", ") + n;
      msg += avail.empty() ? " (none of family '" + p.family->name + "' is verilated)"
                           : " (verilated: " + avail + ")";
      throw Error(msg);
    }
    return Created{MultiplierInfo{canon, p.family->name, p.params.is_signed(), Source::rtl,
                                  "Verilated RTL of: " + p.family->description},
                   it->second.factory()};
  }
  const Parsed p = parse(trimmed, trimmed);
  return Created{MultiplierInfo{canonical_of(*p.family, p.params), p.family->name,
                                p.params.is_signed(), Source::behavioural, p.family->description},
                 p.family->factory(p.params)};
}

}  // namespace axpod::mult
