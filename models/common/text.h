// Small string helpers used across axpod (no dependencies).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace axpod::text {

/// Splits `s` at every `sep`; empty fields are kept.
std::vector<std::string> split(std::string_view s, char sep);

/// Removes leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view s);

/// Levenshtein edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// Parses a whole string as a signed 64-bit integer; false when it is not one.
bool parse_int(std::string_view s, long long& out);

/// Parses a whole string as a finite double; false when it is not one.
bool parse_double(std::string_view s, double& out);

}  // namespace axpod::text

namespace axpod::text {

/// Splits one CSV line into fields, honouring double quotes ("" inside quotes is a quote).
std::vector<std::string> split_csv(std::string_view line);

/// Quotes a CSV field when it holds a comma, quote or newline.
std::string csv_field(std::string_view s);

}  // namespace axpod::text
