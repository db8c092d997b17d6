// The packed-weight GEMM against a double-precision reference, on shapes that cross every block
// edge of the kernel (6-row tiles, 16-column panels, 256-wide k slices, 144-row blocks).
#include "engine/cpu/packed_gemm.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace {

using hub::engine::Activation;

double activate(double v, Activation act) {
  switch (act) {
    case Activation::gelu: return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
    case Activation::relu: return v > 0 ? v : 0.0;
    case Activation::tanh: return std::tanh(v);
    default: return v;
  }
}

struct Case {
  std::size_t m, n, k;
  bool transposed, bias;
  Activation act;
};

// Max |packed - reference| over y, computed with the panels split between `parts` callers as the
// backend's threads split them, into a y wider than n (stride > n) whose padding must survive.
float max_error(const Case& c, std::size_t parts, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(c.m * (c.k + 3)), w(c.n * c.k), b(c.n);
  for (auto& v : x) v = u(rng);
  for (auto& v : w) v = u(rng);
  for (auto& v : b) v = u(rng);
  const std::size_t ldx = c.k + 3, ldy = c.n + 5;
  std::vector<float> y(c.m * ldy, 42.0f);
  hub::engine::cpu::PackedWeight packed(w.data(), c.n, c.k, c.transposed);
  const hub::engine::ConstMatrixView xv(x.data(), c.m, c.k, ldx);
  const hub::engine::MatrixView yv{y.data(), c.m, c.n, ldy};
  const std::size_t panels = packed.panels(), per = (panels + parts - 1) / parts;
  for (std::size_t t = 0; t < parts; ++t) {
    hub::engine::cpu::packed_gemm(xv, packed, c.bias ? b.data() : nullptr, c.act, yv, t * per, (t + 1) * per);
  }
  float err = 0.0f;
  for (std::size_t i = 0; i < c.m; ++i) {
    for (std::size_t j = 0; j < c.n; ++j) {
      double sum = c.bias ? b[j] : 0.0;
      for (std::size_t kk = 0; kk < c.k; ++kk) {
        const float wv = c.transposed ? w[kk * c.n + j] : w[j * c.k + kk];
        sum += static_cast<double>(x[i * ldx + kk]) * wv;
      }
      err = std::max(err, static_cast<float>(std::fabs(activate(sum, c.act) - y[i * ldy + j])));
    }
    for (std::size_t j = c.n; j < ldy; ++j) {
      if (y[i * ldy + j] != 42.0f) return INFINITY;  // wrote past the row's n columns
    }
  }
  return err;
}

}  // namespace

TEST_CASE("Packed GEMM matches the reference on every edge of its blocking", "[engine]") {
  if (!hub::engine::cpu::packed_gemm_supported()) {
    WARN("this CPU has no AVX2 + FMA: the packed GEMM is not used here, nothing to test");
    return;
  }
  std::mt19937 rng(7);
  for (std::size_t m : {1, 5, 6, 7, 143, 150, 301}) {
    for (std::size_t n : {1, 15, 16, 17, 48, 131}) {
      for (std::size_t k : {1, 7, 256, 257, 600}) {
        if (m * n * k > 4'000'000) continue;
        for (bool transposed : {false, true}) {
          const Case c{m, n, k, transposed, (m + n + k) % 2 == 0, Activation::none};
          INFO("m " << m << " n " << n << " k " << k << " transposed " << transposed << " bias " << c.bias);
          // Float accumulation over k terms of magnitude <= 1: error grows like sqrt(k) * eps.
          CHECK(max_error(c, 1, rng) < 1e-5f * static_cast<float>(k + 1));
          CHECK(max_error(c, 3, rng) < 1e-5f * static_cast<float>(k + 1));
        }
      }
    }
  }
}

TEST_CASE("Packed GEMM applies the bias before the activation", "[engine]") {
  if (!hub::engine::cpu::packed_gemm_supported()) {
    WARN("this CPU has no AVX2 + FMA: the packed GEMM is not used here, nothing to test");
    return;
  }
  std::mt19937 rng(11);
  for (Activation act : {Activation::gelu, Activation::relu, Activation::tanh}) {
    for (bool bias : {false, true}) {
      const Case c{150, 131, 300, false, bias, act};
      CHECK(max_error(c, 2, rng) < 1e-3f);
    }
  }
}

TEST_CASE("Packed GEMM with no input features gives act(bias)", "[engine]") {
  if (!hub::engine::cpu::packed_gemm_supported()) return;
  std::vector<float> w, b = {1.0f, -2.0f, 0.5f}, y(2 * 3, 9.0f);
  hub::engine::cpu::PackedWeight packed(w.data(), 3, 0, false);
  std::vector<float> x(2);
  hub::engine::cpu::packed_gemm(hub::engine::ConstMatrixView(x.data(), 2, 0, 1), packed, b.data(), Activation::relu,
                                hub::engine::MatrixView{y.data(), 2, 3, 3}, 0, packed.panels());
  CHECK(y == std::vector<float>{1.0f, 0.0f, 0.5f, 1.0f, 0.0f, 0.5f});
}

TEST_CASE("Packed weights read with a row stride give what dense ones give", "[engine]") {
  // Attention packs K and V per head straight out of the fused Q/K/V buffer (rows 3 x hidden
  // floats apart): the same values with a stride must pack to the same panels.
  if (!hub::engine::cpu::packed_gemm_supported()) return;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const std::size_t m = 13, n = 37, k = 70;
  std::vector<float> x(m * k);
  for (auto& v : x) v = u(rng);
  for (bool transposed : {false, true}) {
    const std::size_t rows = transposed ? k : n, cols = transposed ? n : k, ld = cols + 9;
    std::vector<float> dense(rows * cols), strided(rows * ld, 7.0f);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < cols; ++c) dense[r * cols + c] = strided[r * ld + c] = u(rng);
    }
    hub::engine::cpu::PackedWeight a(dense.data(), n, k, transposed);
    hub::engine::cpu::PackedWeight b(strided.data(), n, k, transposed, 1, ld);
    std::vector<float> ya(m * n), yb(m * n);
    const hub::engine::ConstMatrixView xv(x.data(), m, k, k);
    hub::engine::cpu::packed_gemm(xv, a, nullptr, Activation::none, hub::engine::MatrixView{ya.data(), m, n, n}, 0,
                                  a.panels());
    hub::engine::cpu::packed_gemm(xv, b, nullptr, Activation::none, hub::engine::MatrixView{yb.data(), m, n, n}, 0,
                                  b.panels());
    CHECK(ya == yb);
  }
}
