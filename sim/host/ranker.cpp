#include "ranker.h"

#include "common/error.h"
#include "common/text.h"

namespace axpod::host {

RankerRegistry& RankerRegistry::instance() {
  static RankerRegistry r;
  return r;
}

bool RankerRegistry::add(RankerInfo info) {
  const std::string name = info.name;
  return m_rankers.emplace(name, std::move(info)).second;
}

const RankerInfo& RankerRegistry::get(const std::string& name) const {
  const auto it = m_rankers.find(name);
  if (it != m_rankers.end()) return it->second;
  const auto known = names();
  std::string msg = "unknown ranking method '" + name + "'";
  const std::string g = text::closest(name, known);
  if (!g.empty()) msg += " (did you mean '" + g + "'?)";
  std::string list;
  for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
  throw Error(msg + "; methods: " + list);
}

std::vector<std::string> RankerRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, info] : m_rankers) out.push_back(n);
  return out;
}

std::string RankerRegistry::help() const {
  std::string out;
  for (const auto& [n, info] : m_rankers) {
    std::string pad(n.size() < 12 ? 12 - n.size() : 1, ' ');
    out += "  " + n + pad + info.description + "\n";
  }
  return out;
}

std::vector<LayerScore> rank_layers(const std::string& name, const RankInput& in) {
  const auto& info = RankerRegistry::instance().get(name);
  if (in.qnet == nullptr || in.split == nullptr)
    throw Error("rank: no network or no images to rank with");
  if (in.count < 1 || in.begin < 0 || in.begin + in.count > in.split->images.count)
    throw Error("rank: samples [" + std::to_string(in.begin) + ", " +
                std::to_string(in.begin + in.count) + ") lie outside the " +
                std::to_string(in.split->images.count) + " images of the split");
  return info.make()->rank(in);
}

}  // namespace axpod::host
