// Row-major float matrix views: the currency of the backend interface.
#pragma once

#include <cstddef>

namespace hub::engine {

// `rows` x `cols` floats; row r starts at data + r * stride (stride >= cols), so a view can be
// a column slice of a wider buffer (Q, K and V inside one [tokens, 3 * hidden] buffer).
struct MatrixView {
  float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  float* row(std::size_t r) const noexcept { return data + r * stride; }
  MatrixView columns(std::size_t first, std::size_t count) const noexcept {
    return {data + first, rows, count, stride};
  }
};

struct ConstMatrixView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  ConstMatrixView() = default;
  ConstMatrixView(const float* d, std::size_t r, std::size_t c, std::size_t s) : data(d), rows(r), cols(c), stride(s) {}
  ConstMatrixView(const MatrixView& m) : data(m.data), rows(m.rows), cols(m.cols), stride(m.stride) {}  // NOLINT
  const float* row(std::size_t r) const noexcept { return data + r * stride; }
  ConstMatrixView columns(std::size_t first, std::size_t count) const noexcept {
    return {data + first, rows, count, stride};
  }
};

inline MatrixView dense(float* data, std::size_t rows, std::size_t cols) { return {data, rows, cols, cols}; }

}  // namespace hub::engine
