// Error types shared by every axpod library. The CLI catches them once in main().
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace axpod {

/// A user-facing error: bad input, unreadable file, unknown name. Exit code 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One or more configuration errors, each already formatted as
/// `file:line:col: key.path: message`. Exit code 2.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return m_messages; }

 private:
  std::vector<std::string> m_messages;  // one formatted message per problem found
};

}  // namespace axpod
