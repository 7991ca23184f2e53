// The GEMM kernels of the int8 engine, chosen once at run time for this CPU:
//   table (approximate) products: an AVX-512 VBMI kernel (each weight's column of the table held
//     as byte planes in registers, 64 products per lookup instruction), else portable C++;
//   exact int8 products: an AVX-512 VNNI kernel (u8 x s8 dot products of four, activations
//     shifted to u8 and the shift taken back per column; layers of at most 8 columns put two
//     rows in a vector), else portable C++. (oneDNN's u8 x s8 GEMM, measured here, ran
//     11-109 GMAC/s on the engine's shapes against this kernel's 50-370 then (183-386 now), and
//     oneDNN's notes on int8 computations warn of intermediate saturation on CPUs without VNNI.)
//   the output stage (bias, requantization, clamp): AVX-512, 8 outputs in 64-bit lanes.
// Every kernel gives the same int32 sums (integer arithmetic; tests compare them with the
// scalar reference on random tables, edge shapes and zero rows), and the output stage the same
// int8 values. AXPOD_GEMM=portable in the environment (or set_portable_kernels) forces the
// portable ones.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/qnet.h"
#include "mult/table.h"

namespace axpod::engine {

/// A multiplier table prepared for the kernels: the products, and when every product fits in
/// int16, for each weight byte w its column T(., w) and for each activation byte a its row
/// T(a, .), each as two byte planes (the low and high bytes of the int16 products).
class PreparedTable {
 public:
  explicit PreparedTable(const mult::Table& t);
  const std::int32_t* products() const { return m_products.data(); }
  /// Whether every product fits in int16 (the planes exist).
  bool fits_int16() const { return m_fits16; }
  /// Whether T(0, w) == 0 for every w (a zero activation may be skipped).
  bool zero_row_zero() const { return m_zero_row_zero; }
  /// Low and high bytes of T(a, w) for a = 0..255 (256 bytes each).
  const std::uint8_t* lo(std::uint8_t w) const { return m_lo.data() + 256 * std::size_t{w}; }
  const std::uint8_t* hi(std::uint8_t w) const { return m_hi.data() + 256 * std::size_t{w}; }
  /// Low and high bytes of T(a, w) for w = 0..255 (256 bytes each).
  const std::uint8_t* row_lo(std::uint8_t a) const {
    return m_row_lo.data() + 256 * std::size_t{a};
  }
  const std::uint8_t* row_hi(std::uint8_t a) const {
    return m_row_hi.data() + 256 * std::size_t{a};
  }

 private:
  std::vector<std::int32_t> m_products;          // row-major in the activation
  std::vector<std::uint8_t> m_lo, m_hi;          // columns: 256 planes of 256 bytes
  std::vector<std::uint8_t> m_row_lo, m_row_hi;  // rows (both only when fits_int16)
  bool m_fits16 = false;
  bool m_zero_row_zero = false;
};

/// A layer's weights (k x n, row-major) prepared for the exact kernels.
struct ExactWeights {
  ExactWeights() = default;
  ExactWeights(const std::int8_t* w, std::int64_t k, std::int64_t n);
  std::vector<std::int8_t> w;            // k x n
  std::vector<std::int32_t> shift_comp;  // per column: -128 * sum_k w (undoes x + 128)
  std::vector<std::int8_t> vnni;         // packed for the VNNI kernel (empty: not used here)
  std::vector<std::int8_t> vnni_narrow;  // n <= 8: packed for two rows per vector (or empty)
  std::int64_t k = 0, n = 0;
};

/// A MAC layer's output stage, prepared once per layer: dst[r][c] = clamp8(apply_multiplier(
/// acc[r][c] + bias[c], mult[c])) (to [0, 127] after a ReLU), for n columns. The AVX-512 version
/// takes 8 outputs at a time in exact 64-bit arithmetic; columns whose multiplier shifts left or
/// by 63 bits or more take the portable one (the reference).
class Requantizer {
 public:
  Requantizer() = default;
  Requantizer(const std::vector<std::int32_t>& bias, const std::vector<FixedMultiplier>& mult,
              bool relu);
  /// acc: m x n; dst: m x n.
  void run(const std::int32_t* acc, std::int64_t m, std::int8_t* dst) const;
  /// The portable version (the reference).
  void run_portable(const std::int32_t* acc, std::int64_t m, std::int8_t* dst) const;

 private:
  std::int64_t m_n = 0;
  bool m_relu = false;
  bool m_simple = false;  // every column's right shift in [1, 62]
  std::vector<FixedMultiplier> m_mult;
  std::vector<std::int64_t> m_bias, m_m0, m_shift, m_half;  // 64-bit lanes for the kernel
};

/// acc (m x n) = sum over k of T(x[i][k], w[k][j]), x int8 (m x k), wu the raw weight bytes
/// (k x n); acc is overwritten.
void gemm_table_kernel(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                       std::int64_t m, std::int64_t n, std::int64_t k, const PreparedTable& t);
/// acc (m x n) = x (m x k) * w (k x n), exact int8 products; acc is overwritten.
void gemm_exact_kernel(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                       std::int64_t m);

/// The portable kernels (the reference of the fast ones).
void gemm_table_portable(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                         std::int64_t m, std::int64_t n, std::int64_t k, const std::int32_t* table,
                         bool skip_zero);
void gemm_exact_portable(const std::int8_t* x, const std::int8_t* w, std::int32_t* acc,
                         std::int64_t m, std::int64_t n, std::int64_t k);

/// The kernels this process uses: "avx512-vbmi" or "portable"; "avx512-vnni" or "portable".
const char* table_kernel_name();
const char* exact_kernel_name();
/// Forces the portable kernels (true) or the fastest this CPU has (false).
void set_portable_kernels(bool portable);

namespace detail {
// Implementations (kernel_avx512.cpp, kernel_vnni.cpp); the *_available() functions say whether
// this CPU has the instructions.
bool avx512_vbmi_available();
void gemm_table_avx512(const std::int8_t* x, const std::uint8_t* wu, std::int32_t* acc,
                       std::int64_t m, std::int64_t n, std::int64_t k, const PreparedTable& t);
void requantize_avx512(const std::int32_t* acc, std::int64_t m, std::int64_t n,
                       const std::int64_t* bias, const std::int64_t* m0, const std::int64_t* shift,
                       const std::int64_t* half, bool relu, std::int8_t* dst);
bool avx512_vnni_available();
/// w (k x n) as 16-column blocks of groups of four reductions (zero-padded).
std::vector<std::int8_t> pack_vnni(const std::int8_t* w, std::int64_t k, std::int64_t n);
void gemm_exact_vnni(const std::int8_t* x, const ExactWeights& w, std::int32_t* acc,
                     std::int64_t m);
/// Whether the narrow (n <= 8) kernel's instructions exist here (VNNI and VBMI).
bool avx512_vnni_narrow_available();
/// w (k x n, n <= 8) as groups of four reductions x 8 lanes, repeated in both 8-lane halves.
std::vector<std::int8_t> pack_vnni_narrow(const std::int8_t* w, std::int64_t k, std::int64_t n);
}  // namespace detail

}  // namespace axpod::engine
