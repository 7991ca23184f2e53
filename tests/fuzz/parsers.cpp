#include "parsers.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "accel/accelerator.h"
#include "accel/assignment.h"
#include "common/error.h"
#include "data/idx.h"
#include "engine/qnet.h"
#include "mult/lut_file.h"
#include "mult/netlist.h"
#include "mult/registry.h"
#include "mult/verilog_import.h"
#include "workload/readers.h"

namespace axpod::fuzz {

namespace {

// The input as a file with the extension the parser expects (one per process).
std::string as_file(const std::uint8_t* data, std::size_t size, const std::string& ext) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("axpod_fuzz_" + std::to_string(::getpid()) + ext))
          .string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

void parse(const std::string& target, const std::uint8_t* data, std::size_t size) {
  if (target == "accel") {
    accel::load_accelerator(as_file(data, size, ".yaml"));
  } else if (target == "network") {
    workload::load_network(as_file(data, size, ".yaml"));
  } else if (target == "topology") {
    workload::load_network(as_file(data, size, ".csv"));
  } else if (target == "assignment") {
    static const workload::Network net = workload::load_network("lenet5");
    accel::load_assignment(as_file(data, size, ".yaml"), net);
  } else if (target == "cfg") {
    accel::load_scalesim_config(as_file(data, size, ".cfg"));
  } else if (target == "lut_bin") {
    mult::read_lut_file(as_file(data, size, ".bin"));
  } else if (target == "lut_csv") {
    mult::read_lut_file(as_file(data, size, ".csv"));
  } else if (target == "idx") {
    const std::string path = as_file(data, size, ".idx");
    try {
      data::read_idx_images(path);
    } catch (const Error&) {
    }
    data::read_idx_labels(path);
  } else if (target == "axq") {
    engine::load_qnet(as_file(data, size, ".axq"));
  } else if (target == "verilog") {
    // Anyone's Verilog through Yosys (ports, wrapper, synthesis) and the netlist it gives. Each
    // input is a new file (the import caches by file); a design that does not elaborate meets
    // the Yosys time limit, kept below libFuzzer's per-input timeout.
    static int serial = 0;
    ::setenv("AXPOD_YOSYS_SECONDS", "8", 1);
    const std::string path = as_file(data, size, "_" + std::to_string(serial++ % 2) + ".v");
    const auto m = mult::Registry::instance().create("verilog:" + path);
    m.model->multiply(0x7F, 0x81);
    std::filesystem::remove(path);
  } else if (target == "blif") {
    const auto nl =
        mult::Netlist::parse_blif(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    nl.depth();
    nl.gate_counts();
    nl.simulate({0, 1, 0x7F, 0x80, 0xFF}, {0xFF, 0x80, 0x81, 0x80, 0xFF});
  } else if (target == "mult") {
    const std::string name(reinterpret_cast<const char*>(data), size);
    // Files behind lut: and verilog: names are the other targets'; a verilog: name is parsed
    // here without touching its file.
    if (name.rfind("verilog:", 0) == 0) {
      mult::parse_verilog_name(name);
      return;
    }
    if (name.rfind("lut:", 0) == 0) return;
    auto& reg = mult::Registry::instance();
    const std::string canonical = reg.canonical(name);
    reg.create(canonical).model->multiply(0x7F, 0x81);
  } else {
    throw std::logic_error("fuzz: no target '" + target + "'");
  }
}

}  // namespace

const std::vector<std::string>& targets() {
  static const std::vector<std::string> t = {"accel", "network", "topology", "assignment",
                                             "cfg",   "lut_bin", "lut_csv",  "idx",
                                             "axq",   "mult",    "verilog",  "blif"};
  return t;
}

void run(const std::string& target, const std::uint8_t* data, std::size_t size) {
  try {
    parse(target, data, size);
  } catch (const Error&) {
    // A clear error for bad input: what axpod promises.
  }
}

}  // namespace axpod::fuzz
