#include "interconnect_module.h"

namespace axpod::sc {

// A pod's SRAM port: questions through its DMA interface, bytes through the TLM socket.
class InterconnectModule::PodLink : public core::PodPort {
 public:
  PodLink(InterconnectModule& m, std::size_t i) : m_m(m), m_i(i) {}
  int pod_id() const override { return m_m.pods[static_cast<int>(m_i)]->pod_id(); }
  int next_fetch() const override { return m_m.pods[static_cast<int>(m_i)]->next_fetch(); }
  double request() override { return m_m.pods[static_cast<int>(m_i)]->request(); }
  void receive(double bytes, cycle_t now, int latency) override {
    Transfer t{bytes, now, latency};
    send(m_m.to_pods[static_cast<int>(m_i)], tlm::TLM_WRITE_COMMAND, 0, t);
  }
  double outputs_pending() const override {
    return m_m.pods[static_cast<int>(m_i)]->outputs_pending();
  }
  void send_outputs(double bytes, cycle_t now) override {
    Transfer t{bytes, now, 0};
    send(m_m.to_pods[static_cast<int>(m_i)], tlm::TLM_READ_COMMAND, 0, t);
  }

 private:
  InterconnectModule& m_m;  // the module
  std::size_t m_i;          // the pod's port
};

// The global buffer: questions through its query interface, reads through the TLM socket.
class InterconnectModule::BufferLink : public core::BufferPort {
 public:
  explicit BufferLink(InterconnectModule& m) : m_m(m) {}
  bool holds(std::size_t lane, std::size_t t) const override { return m_m.buffer->holds(lane, t); }
  void read(std::size_t lane, int pod, double bytes, core::EnergySink&) override {
    Transfer t{bytes, m_m.m_now, 0, lane};
    send(m_m.to_buffer, tlm::TLM_READ_COMMAND, static_cast<std::uint64_t>(pod), t);
  }

 private:
  InterconnectModule& m_m;  // the module
};

InterconnectModule::InterconnectModule(sc_core::sc_module_name name, const accel::Interconnect& cfg,
                                       std::size_t ports)
    : sc_core::sc_module(name),
      to_buffer("to_buffer"),
      to_pods("to_pods"),
      pods("pods"),
      buffer("buffer"),
      energy("energy"),
      go("go"),
      done("done"),
      pods_done("pods_done", ports),
      outputs_done("outputs_done"),
      m_core(core::make_interconnect(cfg, ports)),
      m_buffer(std::make_unique<BufferLink>(*this)) {
  SC_METHOD(clock);
  sensitive << go;
  dont_initialize();
  SC_METHOD(clock_outputs);
  for (auto& d : pods_done) sensitive << d;
  dont_initialize();
}

InterconnectModule::~InterconnectModule() = default;

void InterconnectModule::end_of_elaboration() {
  for (int i = 0; i < pods.size(); ++i) {
    m_links.push_back(std::make_unique<PodLink>(*this, static_cast<std::size_t>(i)));
    m_ports.push_back(m_links.back().get());
  }
}

void InterconnectModule::clock_outputs() {
  guarded([&] {
    m_core->clock_outputs(m_now, m_ports, *energy[0]);
    outputs_done.write(go.read());
  });
}

void InterconnectModule::clock() {
  guarded([&] {
    m_now = go.read() - 1;
    m_core->clock(m_now, m_ports, *m_buffer, *energy[0]);
    done.write(go.read());
  });
}

}  // namespace axpod::sc
