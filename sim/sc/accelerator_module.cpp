#include "accelerator_module.h"

namespace axpod::sc {

AcceleratorModule::AcceleratorModule(sc_core::sc_module_name name, core::CycleModel& model,
                                     std::vector<LayerJob> jobs)
    : sc_core::sc_module(name), clk("clk"), m_model(model), m_jobs(std::move(jobs)) {
  for (std::size_t p = 0; p < model.accelerator().pods.size(); ++p)
    pod_power_mw.push_back(std::make_unique<sc_core::sc_signal<double>>(
        ("pod" + std::to_string(p) + "_power_mw").c_str()));
  const double clock_mhz = model.accelerator().clock_mhz;
  const double window = static_cast<double>(model.window());
  model.monitor().on_window = [this, clock_mhz, window](const core::WindowEnergy& w) {
    double pj = 0;
    for (double v : w.pj) pj += v;
    // pJ per window / (window cycles / f) = pJ * f / window; pJ * MHz = uW.
    pod_power_mw[static_cast<std::size_t>(w.pod)]->write(pj * clock_mhz / window / 1000.0);
  };
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

void AcceleratorModule::on_clock() {
  try {
    step();
  } catch (...) {
    // Errors leave the SystemC kernel as they are (run_systemc rethrows them).
    error = std::current_exception();
    m_done = true;
    sc_core::sc_stop();
  }
}

void AcceleratorModule::step() {
  if (m_done) return;
  if (!m_running) {
    if (m_next >= m_jobs.size()) {
      m_done = true;
      m_model.finish();
      sc_core::sc_stop();
      return;
    }
    const LayerJob& j = m_jobs[m_next++];
    m_model.begin_job(j);
    m_running = true;
  }
  if (!m_model.tick()) {
    m_running = false;
    if (on_layer) on_layer(m_model.end_layer());
  }
}

std::vector<core::LayerSim> run_systemc(
    core::CycleModel& model, std::vector<LayerJob> jobs,
    const std::function<void(const core::LayerSim&)>& progress) {
  std::vector<core::LayerSim> out;
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  const double period_ns = 1000.0 / model.accelerator().clock_mhz;
  sc_core::sc_clock clock("clock", sc_core::sc_time(period_ns, sc_core::SC_NS));
  AcceleratorModule top("accelerator", model, std::move(jobs));
  top.clk(clock);
  top.on_layer = [&](core::LayerSim&& l) {
    out.push_back(std::move(l));
    if (progress) progress(out.back());
  };
  sc_core::sc_start();
  if (top.error) std::rethrow_exception(top.error);
  return out;
}

}  // namespace axpod::sc
