// File helpers: atomic writes (temporary file in the same folder, then rename), whole-file
// reads with clear errors.
#pragma once

#include <string>
#include <string_view>

namespace axpod::fs {

/// Writes `data` to `path` atomically: a reader sees the old file or the whole new one.
/// Throws axpod::Error naming the path when the folder is missing or not writable.
void write_file_atomic(const std::string& path, std::string_view data);

/// Reads a whole file; throws axpod::Error naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace axpod::fs
