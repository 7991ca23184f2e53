#include "timeline.h"

#include <fmt/format.h>

#include <algorithm>

namespace axpod::core {

namespace {
std::string quoted(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    o += c;
  }
  return o + "\"";
}
}  // namespace

void Timeline::add(int track, int lane, std::string name, std::string category, cycle_t begin,
                   cycle_t end) {
  if (end <= begin) return;
  if (m_events.size() >= m_max) {
    ++m_dropped;
    return;
  }
  m_events.push_back({track, lane, std::move(name), std::move(category), begin, end});
}

std::string Timeline::chrome_json(double clock_mhz, std::size_t pods) const {
  // Chrome's pid/tid: the accelerator is process 0, pod p is process p + 1.
  const auto pid = [](int track) { return track + 1; };
  std::string o = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  const auto meta = [&](int p, int tid, const char* what, const std::string& name, bool first) {
    o += fmt::format(
        "{}{{\"ph\":\"M\",\"pid\":{},\"tid\":{},\"name\":\"{}\",\"args\":{{\"name\":{}}}}}",
        first ? "" : ",\n", p, tid, what, quoted(name));
  };
  meta(pid(kAccelerator), 0, "process_name", "accelerator", true);
  meta(pid(kAccelerator), kLayers, "thread_name", "layers", false);
  meta(pid(kAccelerator), kDram, "thread_name", "DRAM", false);
  // A layer schedule's stage s has rows 2s (layers) and 2s + 1 (DRAM).
  int rows = 2;
  for (const auto& e : m_events)
    if (e.track == kAccelerator) rows = std::max(rows, e.lane + 1);
  for (int r = 2; r < rows; ++r)
    meta(pid(kAccelerator), r, "thread_name",
         std::string(r % 2 == 0 ? "layers" : "DRAM") + ", stage " + std::to_string(r / 2), false);
  for (std::size_t p = 0; p < pods; ++p) {
    const int id = pid(static_cast<int>(p));
    meta(id, 0, "process_name", "pod " + std::to_string(p), false);
    meta(id, kArray, "thread_name", "array", false);
    meta(id, kDma, "thread_name", "dma", false);
    meta(id, kDmaOut, "thread_name", "outputs", false);
  }
  for (const auto& e : m_events)
    o += fmt::format(
        ",\n{{\"ph\":\"X\",\"pid\":{},\"tid\":{},\"name\":{},\"cat\":{},\"ts\":{:.6f},"
        "\"dur\":{:.6f},\"args\":{{\"first_cycle\":{},\"cycles\":{}}}}}",
        pid(e.track), e.lane, quoted(e.name), quoted(e.category),
        static_cast<double>(e.begin) / clock_mhz, static_cast<double>(e.end - e.begin) / clock_mhz,
        e.begin, e.end - e.begin);
  o += "\n]";
  if (m_dropped > 0)
    o += fmt::format(",\"otherData\":{{\"note\":\"{} events beyond the first {} were dropped\"}}",
                     m_dropped, m_max);
  return o + "}\n";
}

}  // namespace axpod::core
