// `axpod train` (libtorch, then int8 quantization) and `axpod eval` (the functional int8 engine
// with per-layer approximate multipliers on the 10,000 test images).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "accel/assignment.h"
#include "commands.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/plot.h"
#include "common/png.h"
#include "common/text.h"
#include "data/idx.h"
#include "engine/infer.h"
#include "options.h"
#include "progress.h"
#include "robust.h"
#include "xai_gen.h"

namespace axpod::cli {

namespace {

int cmd_train(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m",
                                                 po::value<std::string>()->default_value("lenet5"),
                                                 "zoo model: lenet5, vgg6, resnet8")(
      "epochs,e", po::value<int>()->default_value(10), "training epochs")(
      "seed,s", po::value<std::uint64_t>()->default_value(1),
      "seed (initialisation and shuffling)")(
      "threads,t", po::value<int>()->default_value(2),
      "threads: training runs each batch as two shards on up to two of them, and the int8 "
      "evaluation splits the images; the results do not depend on it")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("limit", po::value<int>()->default_value(0),
                              "train on the first N images only (0: all)")(
      "batch", po::value<int>()->default_value(64), "batch size")(
      "lr", po::value<double>()->default_value(1e-3), "Adam learning rate")(
      "out,o", po::value<std::string>(),
      "output prefix (default trained/<model>): writes PREFIX.pt and PREFIX.axq")(
      "force", po::bool_switch(), "replace existing output files");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod train [options]",
          "Trains a zoo model on Fashion-MNIST with libtorch (deterministic for a seed and a\n"
          "thread count), prints the float test accuracy, quantizes to int8 (per-channel\n"
          "weights, per-tensor activations calibrated on training images) and prints the\n"
          "exact-int8 test accuracy of the functional engine.\n\nexamples:\n"
          "  axpod train --model lenet5 --epochs 3 --seed 1 --threads 2\n"
          "  axpod train --model resnet8 --epochs 2 --out trained/resnet8_s7 --seed 7\n"))
    return 0;
  host::TrainOptions o;
  o.model = vm["model"].as<std::string>();
  o.epochs = int_in(vm, "epochs", 1, 1000);
  o.seed = vm["seed"].as<std::uint64_t>();
  o.threads = int_in(vm, "threads", 1, 256);
  o.train_limit = int_in(vm, "limit", 0, 60000);
  o.batch = int_in(vm, "batch", 1, 65536);
  o.lr = double_in(vm, "lr", 1e-12, 10);
  const std::string prefix = vm.count("out") ? vm["out"].as<std::string>() : "trained/" + o.model;
  const std::string dir = vm["data"].as<std::string>();
  const auto train_set = data::load_fashion_mnist(dir, "train");
  const auto test_set = data::load_fashion_mnist(dir, "test");
  EpochBars bars;
  const auto r = host::train_and_save(o, prefix, train_set, test_set, vm["force"].as<bool>(),
                                      [&](const host::TrainProgress& p) { bars(p); });
  bars.finish();
  const engine::Engine eng(r.qnet);
  const auto t0 = std::chrono::steady_clock::now();
  const double int8_acc = eng.accuracy(test_set, 0, test_set.images.count, o.threads);
  const double eval_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: trained %d epoch(s) on %d images in %.1f s (%d threads, seed %llu)\n",
              o.model.c_str(), o.epochs,
              o.train_limit > 0 ? std::min(o.train_limit, train_set.images.count - o.validation)
                                : train_set.images.count - o.validation,
              r.seconds, o.threads, static_cast<unsigned long long>(o.seed));
  std::printf("float test accuracy      %.2f %%\n", 100.0 * r.float_test_accuracy);
  std::printf("int8 (exact) accuracy    %.2f %%  (%.2f s for 10,000 images)\n", 100.0 * int8_acc,
              eval_s);
  std::printf("wrote %s.pt (float weights) and %s.axq (quantized network)\n", prefix.c_str(),
              prefix.c_str());
  return 0;
}

/// The multipliers that --assign (per layer, and its default) and --mult (every layer the
/// assignment does not list) give; fallback "" keeps the exact int8 path.
struct LayerMultipliers {
  std::map<std::string, std::string> layers;
  std::string fallback;
};

LayerMultipliers layer_multipliers(const po::variables_map& vm, const engine::QNet& net) {
  LayerMultipliers m;
  if (vm.count("assign")) {
    const auto a = accel::load_assignment(vm["assign"].as<std::string>(), net.workload());
    m.layers = a.layers;
    m.fallback = a.fallback;
  }
  if (vm.count("mult")) m.fallback = vm["mult"].as<std::string>();
  return m;
}

int cmd_eval(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("model,m", po::value<std::string>()->required(),
                                                 "quantized network (.axq)")(
      "assign", po::value<std::string>(), "per-layer multiplier assignment YAML")(
      "mult", po::value<std::string>(),
      "one multiplier for every MAC layer (e.g. drum:k=4,signed=1)")(
      "threads,t", po::value<int>()->default_value(2), "threads")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("limit", po::value<int>()->default_value(10000),
                              "evaluate the first N test images");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod eval --model F.axq [options]",
          "Accuracy of the bit-exact int8 engine on the Fashion-MNIST test split, with the\n"
          "exact multiplier or approximate ones per layer.\n\nexamples:\n"
          "  axpod eval --model trained/lenet5.axq\n"
          "  axpod eval --model trained/lenet5.axq --mult drum:k=4,signed=1\n"
          "  axpod eval --model trained/lenet5.axq --assign "
          "configs/assignment_lenet5_example.yaml\n"))
    return 0;
  const int threads = int_in(vm, "threads", 1, 256);
  const int limit = int_in(vm, "limit", 1, 10000);
  const auto net = engine::load_qnet(vm["model"].as<std::string>());
  engine::Engine eng(net);
  const auto mults = layer_multipliers(vm, net);
  eng.assign(mults.layers, mults.fallback);
  const auto test = data::load_fashion_mnist(vm["data"].as<std::string>(), "test");
  const int n = std::min(limit, test.images.count);
  Progress bar("eval", static_cast<std::size_t>(n));
  const auto t0 = std::chrono::steady_clock::now();
  const double acc = eng.accuracy(test, 0, n, threads,
                                  [&](int done) { bar.step(static_cast<std::size_t>(done), ""); });
  bar.finish();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: accuracy %.2f %% on %d test images (%.2f s, %.2f GMAC/s)\n", net.name.c_str(),
              100.0 * acc, n, s, static_cast<double>(eng.macs_per_image()) * n / s / 1e9);
  return 0;
}

int cmd_attack(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "model,m", po::value<std::string>()->required(),
      "trained model prefix (PREFIX.axq and PREFIX.pt: the float weights give the gradients)")(
      "assign", po::value<std::string>(), "per-layer multiplier assignment YAML")(
      "mult", po::value<std::string>(), "one multiplier for every MAC layer")(
      "method", po::value<std::string>()->default_value("fgsm"), "fgsm or pgd")(
      "eps", po::value<std::string>()->default_value("0,0.02,0.05,0.1"),
      "L-infinity bounds in [0, 1] pixel units, comma-separated")(
      "steps", po::value<int>()->default_value(10), "pgd: steps (2.5 eps / steps each)")(
      "gradients", po::value<std::string>()->default_value("float"),
      "float (the float model's) or approx (straight-through through the int8 approximate "
      "forward)")("limit", po::value<int>()->default_value(1000), "attack the first N test images")(
      "threads,t", po::value<int>()->default_value(2), "threads")(
      "data", po::value<std::string>()->default_value(data::kFashionMnistDir),
      "Fashion-MNIST folder")("out,o", po::value<std::string>(),
                              "run folder (default traces/attack-<model>-<time>)");
  po::variables_map vm;
  if (!parse_options(
          args, opts, {}, vm, "usage: axpod attack --model PREFIX [options]",
          "Adversarial robustness of the int8 approximate engine: FGSM or PGD images from the\n"
          "float model's gradients (or, with --gradients approx, from straight-through gradients\n"
          "of the approximate int8 forward), classified by the bit-exact engine with the\n"
          "assignment's multipliers. Deterministic (PGD starts at the clean image).\n"
          "Writes robust.csv, robust.png/svg (accuracy against eps), adversarial.png (clean and\n"
          "adversarial images of the largest eps), summary.json.\n\nexamples:\n"
          "  axpod attack --model trained/lenet5 --eps 0.05\n"
          "  axpod attack --model trained/lenet5 --assign run/assignment.yaml --method pgd "
          "--eps 0,0.02,0.05 --steps 10\n"))
    return 0;
  host::RobustOptions o;
  o.method = vm["method"].as<std::string>();
  o.eps.clear();
  for (const auto& f : text::split(vm["eps"].as<std::string>(), ',')) {
    double e = 0;
    if (!text::parse_double(text::trim(f), e) || !std::isfinite(e))
      throw Error("--eps: '" + f + "' is not a number");
    o.eps.push_back(e);
  }
  o.steps = vm["steps"].as<int>();
  const std::string grads = vm["gradients"].as<std::string>();
  if (grads != "float" && grads != "approx")
    throw Error("--gradients '" + grads + "': expected float or approx");
  o.approx_gradients = grads == "approx";
  o.images = vm["limit"].as<int>();
  o.threads = vm["threads"].as<int>();
  host::check_options(o);
  const auto m = host::load_trained(vm["model"].as<std::string>(), vm["data"].as<std::string>());
  const auto mults = layer_multipliers(vm, m.qnet);
  const host::Assignment& a = mults.layers;
  const std::string fallback = mults.fallback.empty() ? "exact:signed=1" : mults.fallback;
  RunDir run(vm.count("out") ? vm["out"].as<std::string>() : "", "attack-" + m.qnet.name);
  const auto r = host::robust_accuracy(m, a, fallback, o);
  std::string csv =
      "eps,method,steps,gradients,images,clean_accuracy,robust_accuracy,loss_clean,"
      "loss_adv\n";
  json::Json points = json::Json::array();
  plot::Series curve{"engine accuracy", {}, {}, true};
  for (const auto& p : r.points) {
    csv += fmt::format("{},{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f}\n", p.eps, o.method,
                       o.method == "pgd" ? o.steps : 1, grads, o.images, r.clean_accuracy,
                       p.accuracy, p.loss_clean, p.loss_adv);
    points.push_back({{"eps", p.eps},
                      {"robust_accuracy", json::number(p.accuracy)},
                      {"loss_clean", json::number(p.loss_clean)},
                      {"loss_adv", json::number(p.loss_adv)}});
    curve.x.push_back(p.eps);
    curve.y.push_back(100.0 * p.accuracy);
  }
  fs::write_file_atomic(run.work() + "/robust.csv", csv);
  plot::write(plot::scatter(fmt::format("{} under {} ({} gradients)", m.qnet.name, o.method, grads),
                            "eps (pixel units)", "test accuracy (%)", {curve}, false, false),
              run.work() + "/robust");
  // Clean (top) and adversarial (bottom) images of the largest eps, 3x enlarged.
  const int shown = std::min(o.images, 10), rows = m.test.images.rows, cols = m.test.images.cols;
  png::Image img(shown * (cols * 3 + 4), 2 * (rows * 3 + 4));
  for (int i = 0; i < shown; ++i)
    for (int half = 0; half < 2; ++half) {
      const std::uint8_t* src =
          half == 0 ? m.test.images.pixels.data() + static_cast<std::size_t>(i) * rows * cols
                    : r.first_adv.data() + static_cast<std::size_t>(i) * rows * cols;
      for (int y = 0; y < rows * 3; ++y)
        for (int x = 0; x < cols * 3; ++x) {
          const auto v = static_cast<std::uint8_t>(255 - src[(y / 3) * cols + x / 3]);
          img.set(i * (cols * 3 + 4) + 2 + x, half * (rows * 3 + 4) + 2 + y, v, v, v);
        }
    }
  png::write(img, run.work() + "/adversarial.png");
  json::Json j;
  j["model"] = m.prefix;
  j["assignment"] = a;
  j["fallback"] = fallback;
  j["method"] = o.method;
  j["steps"] = o.method == "pgd" ? o.steps : 1;
  j["gradients"] = r.gradients;
  j["images"] = o.images;
  j["clean_accuracy"] = json::number(r.clean_accuracy);
  j["points"] = points;
  fs::write_file_atomic(run.work() + "/summary.json", json::dump(j));
  run.commit();
  std::printf("%s on %d test images, %s, gradients of the %s; clean accuracy %.2f %%\n",
              m.qnet.name.c_str(), o.images, o.method.c_str(), r.gradients.c_str(),
              100 * r.clean_accuracy);
  std::printf("%8s %16s %12s %12s\n", "eps", "robust accuracy", "loss clean", "loss adv.");
  for (const auto& p : r.points)
    std::printf("%8.3f %15.2f%% %12.4f %12.4f\n", p.eps, 100 * p.accuracy, p.loss_clean,
                p.loss_adv);
  std::printf("run folder: %s\n", run.final_path().c_str());
  return 0;
}

}  // namespace

int run_attack(const std::vector<std::string>& args) {
  return cmd_attack(args);
}

int run_train(const std::vector<std::string>& args) {
  return cmd_train(args);
}
int run_eval(const std::vector<std::string>& args) {
  return cmd_eval(args);
}

}  // namespace axpod::cli
