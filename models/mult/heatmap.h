// Pictures of a multiplier's error ED(a, b) = approximate - exact over all operand pairs.
// Operands are laid out by value (-128..127 for signed, 0..255 for unsigned), a down, b across.
#pragma once

#include <string>

#include "mult/table.h"

namespace axpod::mult {

/// A 2x-scaled 512x512 PNG heat map (blue: under-estimate, white: exact, red: over-estimate,
/// scaled to the largest |ED|) with a colour bar on the right.
void write_error_heatmap(const Table& table, bool is_signed, const std::string& path);

/// A 16x16 text map of the mean |ED| over 16x16 operand blocks, shaded " .:-=+*#%@" from 0 to
/// the largest block mean, with axis labels.
std::string ascii_error_map(const Table& table, bool is_signed);

}  // namespace axpod::mult
