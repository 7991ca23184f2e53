#include "interfaces.h"

namespace axpod::sc {

namespace {
std::exception_ptr& process_error() {
  static std::exception_ptr e;
  return e;
}
}  // namespace

void guarded(const std::function<void()>& body) {
  try {
    body();
  } catch (...) {
    // Errors leave the SystemC kernel as they are (rethrow_process_error).
    if (!process_error()) process_error() = std::current_exception();
    sc_core::sc_stop();
  }
}

void rethrow_process_error() {
  if (auto e = process_error()) {
    process_error() = nullptr;
    std::rethrow_exception(e);
  }
}

Transfer& transfer_of(tlm::tlm_generic_payload& gp) {
  if (gp.get_data_length() != sizeof(Transfer) || gp.get_data_ptr() == nullptr)
    throw Error("SystemC transaction: expected one byte count");
  return *reinterpret_cast<Transfer*>(gp.get_data_ptr());
}

}  // namespace axpod::sc
