// Name tables for enums: one list per enum gives both directions (to text, from text) and the
// list of valid names for messages, instead of a switch and an if-chain that can drift apart.
//
//   constexpr Names<Dataflow, 3> kDataflows{{{Dataflow::ws, "ws"}, {Dataflow::os, "os"}, ...}};
//   name_of(kDataflows, d);           // "ws"
//   parse_name(kDataflows, "os", d);  // true, d = Dataflow::os
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace axpod {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

/// The name of `e` ("?" when the table lacks it).
template <class E, std::size_t N>
constexpr const char* name_of(const Names<E, N>& table, E e) {
  for (const auto& [v, n] : table)
    if (v == e) return n;
  return "?";
}

/// Sets `out` to the value named `s`; false when no entry has that name.
template <class E, std::size_t N>
constexpr bool parse_name(const Names<E, N>& table, std::string_view s, E& out) {
  for (const auto& [v, n] : table)
    if (s == n) {
      out = v;
      return true;
    }
  return false;
}

/// "a, b or c": the names, for messages.
template <class E, std::size_t N>
std::string name_list(const Names<E, N>& table) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(table[i].second);
  return out;
}

}  // namespace axpod
