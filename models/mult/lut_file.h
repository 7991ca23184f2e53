// Truth-table files for user multipliers (`lut:PATH`).
//  - binary: exactly 65,536 little-endian int32, row-major, index (a_byte << 8) | b_byte;
//  - CSV (file name ending in .csv): 256 lines of 256 comma-separated integers, line = a_byte,
//    column = b_byte; blank lines and lines starting with '#' are skipped.
// Every product must lie in the 17-bit signed range [-65536, 65535].
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mult/i_multiplier.h"
#include "mult/table.h"

namespace axpod::mult {

/// Reads a table file; throws axpod::Error naming the file and the first problem.
Table read_lut_file(const std::string& path);

/// Writes the binary format atomically.
void write_lut_binary(const Table& table, const std::string& path);

/// Writes the CSV format atomically.
void write_lut_csv(const Table& table, const std::string& path);

std::unique_ptr<IMultiplier> load_lut_multiplier(const std::string& path);

}  // namespace axpod::mult
