// The array models a pod can run besides the C++ SystolicArray: Verilated RTL pods, registered
// by shape and multiplier (rtl/rtl_pod.cpp registers the golden pods that rtl/ builds).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "systolic_array.h"

namespace axpod::core {

using ArrayFactory = std::function<std::unique_ptr<ArrayModel>()>;

/// Registers the RTL model of a rows x cols weight-stationary pod with multiplier `mult`
/// (canonical name).
bool register_rtl_pod(int rows, int cols, const std::string& mult, ArrayFactory make);
/// The RTL pod for accelerator pod `pod` of that shape running `mult` in dataflow `df`;
/// axpod::Error naming the pods that exist when there is none.
std::unique_ptr<ArrayModel> make_array_model(int pod, int rows, int cols, const std::string& mult,
                                             accel::Dataflow df);
/// "RxC multiplier" of every registered RTL pod.
std::vector<std::string> rtl_pods();

}  // namespace axpod::core
