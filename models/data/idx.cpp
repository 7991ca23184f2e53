#include "data/idx.h"

#include <zlib.h>

#include <memory>

#include "common/error.h"

namespace axpod::data {

namespace {

/// Largest decompressed IDX file read (Fashion-MNIST's largest is 47 MB): a small gzip "bomb"
/// is refused while it inflates, not after it has filled the memory.
constexpr std::size_t kMaxIdxBytes = std::size_t{256} << 20;

/// Whole (decompressed) content of a gzip or plain file.
std::string read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw Error("cannot open '" + path + "'");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  std::string out;
  char buf[1 << 16];
  while (true) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      throw Error("'" + path + "' is corrupt: " + (msg ? msg : "gzip error"));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxIdxBytes)
      throw Error("'" + path + "' decompresses to more than 256 MiB: not an IDX file of images");
  }
  return out;
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + at;
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

}  // namespace

Images read_idx_images(const std::string& path) {
  const std::string b = read_gz(path);
  if (b.size() < 16)
    throw Error("'" + path + "': too short for an IDX image header (" + std::to_string(b.size()) +
                " bytes)");
  if (be32(b, 0) != 0x00000803)
    throw Error("'" + path + "': not an idx3-ubyte image file (magic 0x" + [&] {
      char m[16];
      std::snprintf(m, sizeof m, "%08x", be32(b, 0));
      return std::string(m);
    }() + ", expected 0x00000803)");
  Images im;
  const std::uint32_t n = be32(b, 4), r = be32(b, 8), c = be32(b, 12);
  if (r == 0 || c == 0 || r > 4096 || c > 4096 || n > 10000000)
    throw Error("'" + path + "': implausible dimensions " + std::to_string(n) + "x" +
                std::to_string(r) + "x" + std::to_string(c));
  const std::size_t want = static_cast<std::size_t>(n) * r * c;
  if (b.size() - 16 != want)
    throw Error("'" + path + "': header says " + std::to_string(n) + " images of " +
                std::to_string(r) + "x" + std::to_string(c) + " (" + std::to_string(want) +
                " bytes) but the file holds " + std::to_string(b.size() - 16) +
                (b.size() - 16 < want ? " (truncated)" : " (trailing data)"));
  im.count = static_cast<int>(n);
  im.rows = static_cast<int>(r);
  im.cols = static_cast<int>(c);
  im.pixels.assign(b.begin() + 16, b.end());
  return im;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  const std::string b = read_gz(path);
  if (b.size() < 8) throw Error("'" + path + "': too short for an IDX label header");
  if (be32(b, 0) != 0x00000801)
    throw Error("'" + path + "': not an idx1-ubyte label file (expected magic 0x00000801)");
  const std::uint32_t n = be32(b, 4);
  if (b.size() - 8 != n)
    throw Error("'" + path + "': header says " + std::to_string(n) + " labels but the file holds " +
                std::to_string(b.size() - 8) +
                (b.size() - 8 < n ? " (truncated)" : " (trailing data)"));
  return {b.begin() + 8, b.end()};
}

Split load_fashion_mnist(const std::string& dir, const std::string& split) {
  std::string stem;
  if (split == "train")
    stem = "train";
  else if (split == "test")
    stem = "t10k";
  else
    throw Error("unknown split '" + split + "' (train or test)");
  Split s;
  s.images = read_idx_images(dir + "/" + stem + "-images-idx3-ubyte.gz");
  s.labels = read_idx_labels(dir + "/" + stem + "-labels-idx1-ubyte.gz");
  if (static_cast<std::size_t>(s.images.count) != s.labels.size())
    throw Error("'" + dir + "': " + std::to_string(s.images.count) + " " + split + " images but " +
                std::to_string(s.labels.size()) + " labels");
  for (std::size_t i = 0; i < s.labels.size(); ++i)
    if (s.labels[i] > 9)
      throw Error("'" + dir + "': label " + std::to_string(s.labels[i]) + " of image " +
                  std::to_string(i) + " is not in 0..9");
  return s;
}

const char* fashion_class(int label) {
  static const char* kNames[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return label >= 0 && label < 10 ? kNames[label] : "?";
}

}  // namespace axpod::data
