// Training LeNet-5 (libtorch) on 1 and 2 threads in the same run: seconds per epoch of 10,000
// Fashion-MNIST images (the epochs only, as TrainResult::seconds counts them; quantization and
// the test-set evaluation are left out). The two runs train the same weights.
#include <benchmark/benchmark.h>

#include "data/idx.h"
#include "zoo.h"

namespace {

using namespace axpod;

void BM_TrainLenet5Epoch(benchmark::State& state) {
  static const data::Split train_set = data::load_fashion_mnist(data::kFashionMnistDir, "train");
  static const data::Split test_set = data::load_fashion_mnist(data::kFashionMnistDir, "test");
  host::TrainOptions o;
  o.model = "lenet5";
  o.epochs = 1;
  o.train_limit = 10000;
  o.calib_images = 100;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) state.SetIterationTime(host::train(o, train_set, test_set).seconds);
  state.counters["images_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * o.train_limit, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainLenet5Epoch)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
