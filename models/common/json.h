// JSON output through nlohmann::json (strings escaped, numbers exact). JSON has no NaN or
// infinity: number() turns them into null rather than writing an invalid document.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace axpod::json {

using Json = nlohmann::ordered_json;  // keys keep the order they were written in

/// A finite double as a number; NaN and infinities as null.
inline Json number(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

/// The document with a 2-space indent and a final newline.
inline std::string dump(const Json& j) {
  return j.dump(2) + "\n";
}

/// The keys of `now` whose value `was` lacks or holds otherwise, each as " key (was X, now Y)"
/// ("" when none): what a resumed run would change of the run it resumes.
inline std::string changed_keys(const Json& was, const Json& now) {
  std::string out;
  for (const auto& [k, v] : now.items())
    if (!was.contains(k) || was.at(k) != v)
      out += " " + k + " (was " + (was.contains(k) ? was.at(k).dump() : "-") + ", now " + v.dump() +
             ")";
  return out;
}

}  // namespace axpod::json
