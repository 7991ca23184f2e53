// A minimal PNG writer (8-bit RGB, zlib-compressed), for plots that need no plotting stack.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axpod::png {

struct Image {
  int width = 0;                  // pixels
  int height = 0;                 // pixels
  std::vector<std::uint8_t> rgb;  // width * height * 3 bytes, row-major from the top

  Image(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3, 255) {}
  void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    auto* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    p[0] = r;
    p[1] = g;
    p[2] = b;
  }
};

/// Encodes an image as PNG bytes.
std::string encode(const Image& img);

/// Writes an image atomically.
void write(const Image& img, const std::string& path);

}  // namespace axpod::png
