// The SystemC modules, each with a test bench, and the whole top against the plain-C++ model.
// SystemC elaborates once per process: each TEST runs one simulation (ctest runs every TEST in
// its own process).
#include <gtest/gtest.h>

#include "accel/schedule.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <map>

#include "accelerator_top.h"
#include "common/error.h"
#include "cycle_model.h"
#include "engine/tensors.h"
#include "mult/registry.h"

namespace axpod::sc {
namespace {

accel::Accelerator machine(int pods, int rows, int cols, accel::Topology topo, double noc_bw,
                           double dram_gbps, int dram_latency) {
  accel::Accelerator a;
  a.name = "bench";
  a.clock_mhz = 1000;
  accel::Pod p;
  p.rows = rows;
  p.cols = cols;
  p.multiplier = "exact:signed=1";
  p.ifmap_sram_kb = 1;
  p.filter_sram_kb = 1;
  a.pods.assign(static_cast<std::size_t>(pods), p);
  a.global_buffer_kb = 1024;
  a.noc = {topo, noc_bw, 1};
  a.dram = {dram_gbps, dram_latency};
  a.energy = accel::default_energy_table();
  a.energy.catalog = "";  // multipliers cost nothing here
  return a;
}

// Records every charge (the energy monitor's place in a bench).
class Recorder : public sc_core::sc_module, public energy_if {
 public:
  sc_core::sc_export<energy_if> energy{"energy"};
  explicit Recorder(sc_core::sc_module_name n) : sc_core::sc_module(n) { energy.bind(*this); }
  void begin_cycle(cycle_t) override {}
  void charge(int pod, int comp, double pj) override { pj_by[{pod, comp}] += pj; }
  double at(int pod, int comp) { return pj_by[{pod, comp}]; }
  std::map<std::pair<int, int>, double> pj_by;
};

// Binds a target socket that a bench does not use (SystemC requires every socket bound).
class Spare : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Spare> socket{"socket"};
  explicit Spare(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
};

// Drives a token per rising clock edge (clock + 1), as the tile scheduler does, and calls
// `check` with the clock once the module under test has answered.
class TokenBench : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_out<long long> go{"go"};
  sc_core::sc_in<long long> answer{"answer"};
  std::function<void(cycle_t)> before, check;
  cycle_t clocks = 0, now = 0;
  SC_HAS_PROCESS(TokenBench);
  TokenBench(sc_core::sc_module_name n, cycle_t c) : sc_core::sc_module(n), clocks(c) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(answered);
    sensitive << answer;
    dont_initialize();
  }
  void tick() {
    if (now == clocks) {
      sc_core::sc_stop();
      return;
    }
    if (before) before(now);
    go.write(now + 1);
  }
  void answered() {
    if (check) check(now);
    ++now;
  }
};

TEST(ScModules, DramFillsTheGlobalBufferAfterItsLatency) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  DramModule dram("dram", 10.0, 3);  // 10 bytes per clock after 3 clocks
  GlobalBufferModule buffer("buffer");
  Recorder rec("rec");
  TokenBench bench("bench", 9);
  Token go("go"), done("done");
  bench.clk(clk);
  bench.go(go);
  bench.answer(done);
  dram.go(go);
  dram.done(done);
  dram.to_buffer.bind(buffer.from_dram);
  buffer.energy.bind(rec.energy);
  Spare spare("spare");
  spare.socket.bind(buffer.from_noc);
  // Three tiles of 15 bytes each, computed by pods 0, 1, 0.
  dram.core().begin(45.0);
  buffer.core().begin({15, 30, 45}, {0, 1, 0}, 2.5, 100.0);
  std::vector<double> arrived;
  std::vector<bool> second_tile_in;
  bench.check = [&](cycle_t) {
    arrived.push_back(buffer.core().arrived());
    second_tile_in.push_back(buffer.holds(0, 1));
  };
  sc_core::sc_start();
  EXPECT_EQ(arrived, (std::vector<double>{0, 0, 0, 10, 20, 30, 40, 45, 45}));
  EXPECT_EQ(second_tile_in, (std::vector<bool>{0, 0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_TRUE(dram.core().done());
  // DRAM energy per byte, charged to the pod of the tile being filled: bytes 0-15 and 30-45
  // are pod 0's, 15-30 pod 1's (clock by clock: 10 -> 0, 10 -> 0 then 1, ...).
  EXPECT_DOUBLE_EQ(rec.at(0, core::kDram) + rec.at(1, core::kDram), 4500.0);
  EXPECT_GT(rec.at(1, core::kDram), 0.0);
}

// A pod's DMA as the interconnect sees it, in a bench: it always wants `want` bytes.
class FakePod : public sc_core::sc_module, public pod_dma_if {
 public:
  tlm_utils::simple_target_socket<FakePod> sram{"sram"};
  sc_core::sc_export<pod_dma_if> dma{"dma"};
  FakePod(sc_core::sc_module_name n, int id) : sc_core::sc_module(n), m_id(id) {
    dma.bind(*this);
    sram.register_b_transport(this, &FakePod::write);
  }
  int pod_id() const override { return m_id; }
  int next_fetch() const override { return 0; }
  double request() override { return 1e9; }
  double outputs_pending() const override { return 0; }
  void write(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    got.push_back(transfer_of(gp).bytes);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  std::vector<double> got;  // bytes per clock

 private:
  int m_id;
};

TEST(ScModules, ASharedBusSplitsItsBandwidthRoundRobin) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  accel::Interconnect cfg{accel::Topology::bus, 24.0, 1};
  InterconnectModule noc("noc", cfg, 2);
  GlobalBufferModule buffer("buffer");
  FakePod a("a", 0), b("b", 1);
  Recorder rec("rec");
  TokenBench bench("bench", 4);
  Token go("go"), done("done"), out_done("out_done");
  bench.clk(clk);
  bench.go(go);
  bench.answer(out_done);
  noc.go(go);
  noc.done(done);
  noc.pods_done[0].bind(done);  // no pods step here: straight on to the outputs
  noc.pods_done[1].bind(done);
  noc.outputs_done.bind(out_done);
  noc.to_buffer.bind(buffer.from_noc);
  noc.buffer.bind(buffer.query);
  noc.to_pods.bind(a.sram);
  noc.pods.bind(a.dma);
  noc.to_pods.bind(b.sram);
  noc.pods.bind(b.dma);
  noc.energy.bind(rec.energy);
  buffer.energy.bind(rec.energy);
  Spare spare("spare");
  spare.socket.bind(buffer.from_dram);
  buffer.core().begin({0.0}, {0}, 2.0, 0.0);  // tile 0 is in
  noc.core().begin_tiles({0, 1}, false, 0.5);
  sc_core::sc_start();
  // 24 bytes per clock in all; the first pod served alternates with the clock.
  EXPECT_EQ(a.got, (std::vector<double>{24, 0, 24, 0}));
  EXPECT_EQ(b.got, (std::vector<double>{0, 24, 0, 24}));
  EXPECT_DOUBLE_EQ(rec.at(0, core::kNoc), 48 * 0.5);
  EXPECT_DOUBLE_EQ(rec.at(1, core::kGbuf), 48 * 2.0);
}

TEST(ScModules, APodComputesItsTilesBitExactly) {
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  accel::Pod cfg;
  cfg.rows = 4;
  cfg.cols = 4;
  cfg.multiplier = "drum:k=4,signed=1";
  cfg.ifmap_sram_kb = cfg.filter_sram_kb = 1;
  PodModule pod("pod", 0, cfg, accel::default_energy_table());
  Recorder rec("rec");
  TokenBench bench("bench", 200);
  Token go("go"), done("done");
  bench.clk(clk);
  bench.go(go);
  bench.answer(done);
  pod.go(go);
  pod.done(done);
  pod.energy.bind(rec.energy);
  Spare spare("spare");
  spare.socket.bind(pod.sram);
  const auto layer = workload::make_gemm("g", 9, 6, 7);
  const auto tensors = engine::random_tensors(layer, 5);
  const mult::Table table(*mult::Registry::instance().create(cfg.multiplier).model);
  // ws on 4x4: K=7 -> 2 row folds, N=6 -> 2 column folds: 4 tiles of 9 streamed rows.
  const auto sched = core::schedule_tiles(layer.gemm(), accel::Dataflow::ws, 4, 4, 1,
                                          accel::Timing::double_buffered, 0);
  std::vector<std::int32_t> y(9 * 6, 0);
  core::PodLayer pl;
  pl.tensors = &tensors;
  pl.tiles = &sched.tiles;
  pl.y = &y;
  pl.table = &table;
  pl.ideal_memory = true;
  pod.core().begin_mac(pl, sched.queues[0]);
  cycle_t last = -1;
  bench.check = [&](cycle_t now) {
    if (pod.core().done() && last < 0) last = now;
  };
  sc_core::sc_start();
  EXPECT_EQ(y, engine::reference_output(tensors, table));
  // Double-buffered: one preload (4) + 4 tiles of A + B + T - 2 = 15 clocks.
  EXPECT_EQ(last + 1, 4 + 4 * 15);
  EXPECT_EQ(last + 1, sched.plan.makespan);
  EXPECT_GT(rec.at(0, core::kAdd), 0.0);
}

TEST(ScModules, TheEnergyMonitorDrivesPowerPerWindow) {
  EnergyMonitorModule mon("monitor", 2, 10, 500.0);
  mon.begin_cycle(0);
  mon.charge(1, core::kMult, 300.0);
  mon.charge(1, core::kDram, 100.0);
  mon.begin_cycle(10);  // closes window 0
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  // 400 pJ in 10 clocks of 2 ns: 20 mW.
  EXPECT_DOUBLE_EQ(mon.pod_power_mw[1]->read(), 20.0);
  EXPECT_DOUBLE_EQ(mon.pod_power_mw[0]->read(), 0.0);
  ASSERT_EQ(mon.core().windows().size(), 2u);
  EXPECT_DOUBLE_EQ(mon.core().windows()[1].pj[core::kMult], 300.0);
}

// Random int8 data for every MAC layer of a network, and its TensorSource.
struct NetworkData {
  NetworkData(const workload::Network& net, std::uint64_t seed) {
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].is_mac()) data.emplace(i, engine::random_tensors(net.layers[i], seed + i));
  }
  core::TensorSource source() const {
    return [this](std::size_t i) -> const engine::LayerTensors* {
      const auto it = data.find(i);
      return it == data.end() ? nullptr : &it->second;
    };
  }
  std::map<std::size_t, engine::LayerTensors> data;
};

// The whole top equals the plain-C++ model: cycles, outputs, energy, windows.
void same_as_cycle_model(const accel::Accelerator& acc, const std::string& network,
                         bool expect_stalls, const std::string& schedule = "") {
  const auto net = workload::builtin_network(network);
  const NetworkData data(net, 11);
  const auto src = data.source();
  analytical::MultiplierEnergies e;
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < net.layers.size(); ++i) all.push_back(i);
  const auto sched = schedule.empty() ? accel::default_schedule(acc, all)
                                      : accel::parse_schedule(schedule, "s.yaml", acc, net);
  core::CycleModel plain(acc, e, 100);
  const auto want = plain.run_network(net, {}, src, {}, {}, &sched);
  plain.finish();
  const auto jobs = core::CycleModel::plan_network(acc, net, {}, src, {}, &sched);
  std::size_t seen = 0;
  const auto got = run_systemc(acc, e, 100, jobs, [&](const core::LayerSim&) { ++seen; });
  ASSERT_EQ(got.layers.size(), want.size());
  EXPECT_EQ(seen, want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].layer);
    EXPECT_EQ(got.layers[i].start, want[i].start);
    EXPECT_EQ(got.layers[i].cycles, want[i].cycles);
    EXPECT_EQ(got.layers[i].stall_cycles, want[i].stall_cycles);
    EXPECT_EQ(got.layers[i].y, want[i].y);
    EXPECT_DOUBLE_EQ(got.layers[i].energy.total(), want[i].energy.total());
  }
  bool stalled = false;
  for (const auto& l : want) stalled = stalled || l.stall_cycles > 0;
  EXPECT_EQ(stalled, expect_stalls);
  ASSERT_EQ(got.windows.size(), plain.windows().size());
  for (std::size_t w = 0; w < got.windows.size(); ++w)
    for (int c = 0; c < core::kComponents; ++c)
      ASSERT_DOUBLE_EQ(got.windows[w].pj[c], plain.windows()[w].pj[c]) << w << " " << c;
}

TEST(ScTop, EqualsThePlainModelOnASharedBusWithSlowDram) {
  // Four 8x8 pods on a bus, DRAM slow enough to stall.
  same_as_cycle_model(machine(4, 8, 8, accel::Topology::bus, 16, 4.0, 20), "lenet5", true);
}

// Two stages of a layer schedule overlap on disjoint pods and share the bus and DRAM: the
// SystemC top still equals the plain model, job by job.
TEST(ScTop, EqualsThePlainModelUnderALayerSchedule) {
  same_as_cycle_model(machine(4, 8, 8, accel::Topology::bus, 16, 4.0, 20), "lenet5", true,
                      "batch: 3\nstages:\n  - {pods: [0, 1], layers: ['conv1..pool2']}\n"
                      "  - {pods: [2, 3], layers: ['fc1..fc3']}\n");
}

TEST(ScTop, EqualsThePlainModelOnAButterfly) {
  same_as_cycle_model(machine(8, 8, 8, accel::Topology::butterfly, 32, 50.0, 40), "lenet5", true);
}

// Two of four pods are the Verilated golden pod, co-simulated in the same kernel beside two C++
// pods over a whole network: the outputs, cycles and energy of every layer equal an all-C++ run.
TEST(ScTop, RtlPodsRunBesideCppPods) {
  auto acc = machine(4, 8, 8, accel::Topology::crossbar, 32, 20.0, 30);
  const auto cpp_only = acc;
  acc.pods[1].model = acc.pods[3].model = accel::PodModel::rtl;
  const auto net = workload::builtin_network("lenet5");
  const NetworkData data(net, 3);
  const auto src = data.source();
  analytical::MultiplierEnergies e;
  core::CycleModel plain(cpp_only, e, 100);
  const auto want = plain.run_network(net, {}, src);
  const auto got = run_systemc(acc, e, 100, core::CycleModel::plan_network(acc, net, {}, src), {});
  ASSERT_EQ(got.layers.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].layer);
    EXPECT_EQ(got.layers[i].y, want[i].y);
    EXPECT_EQ(got.layers[i].cycles, want[i].cycles);
    EXPECT_EQ(got.layers[i].gated, want[i].gated);
    EXPECT_DOUBLE_EQ(got.layers[i].energy.total(), want[i].energy.total());
  }
}

TEST(ScTop, AnRtlPodOfAShapeNotBuiltIsRefusedByName) {
  auto acc = machine(2, 12, 12, accel::Topology::crossbar, 32, 20.0, 30);
  acc.pods[0].model = accel::PodModel::rtl;
  const auto layer = workload::make_gemm("g", 20, 10, 30);
  const auto t = engine::random_tensors(layer, 1);
  try {
    core::CycleModel(acc, {}, 100).run_layer(layer, &t, "", true);
    FAIL() << "no error";
  } catch (const Error& err) {
    const std::string msg = err.what();
    EXPECT_NE(msg.find("pod 0 (model: rtl, 12x12"), std::string::npos) << msg;
    EXPECT_NE(msg.find("8x8 exact:signed=1"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace axpod::sc

// libsystemc's main() calls sc_main(); whichever main the link picks runs the tests.
int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
