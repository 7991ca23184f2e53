// A checked view of a YAML document: every value read names its file, line, column and key
// path when it is wrong, missing or unknown. The only axpod header that wraps yaml-cpp; the
// yaml-cpp types stay in yaml_node.cpp.
//
//   auto doc = config::Document::load("configs/gate_library.yaml");
//   double e = doc.root().required("energy_per_ge_toggle_fj").as_double(0.0, 1e6);
//   doc.finish();  // throws ConfigError listing every problem, unknown keys included
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace axpod::config {

struct DocumentState;  // file name, parsed tree, collected errors, keys read (yaml_node.cpp)
struct NodeImpl;       // one YAML::Node and its key path (yaml_node.cpp)

/// A value in a document. A missing required key yields an "absent" node whose reads
/// return the fallback given to them after recording the error, so that one pass collects
/// every problem of a file.
class Node {
 public:
  Node(std::shared_ptr<DocumentState> doc, std::shared_ptr<NodeImpl> impl);

  /// Child of a mapping; records "missing key" (at this node's position) when absent.
  Node required(const std::string& key) const;
  /// Child of a mapping when present.
  std::optional<Node> optional(const std::string& key) const;

  std::int64_t as_int(std::int64_t lo, std::int64_t hi, std::int64_t fallback = 0) const;
  double as_double(double lo, double hi, double fallback = 0.0) const;
  std::string as_string(const std::string& fallback = {}) const;
  bool as_bool(bool fallback = false) const;

  bool is_sequence() const;
  bool is_map() const;
  /// Elements of a sequence (records an error when this is not a sequence).
  std::vector<Node> elements() const;
  /// Keys of a mapping in document order (records an error when this is not a mapping).
  std::vector<std::string> keys() const;

  /// Records an error at this node: `file:line:col: path: message`.
  void error(const std::string& message) const;
  /// `file:line:col` of this node (of its parent for an absent one).
  std::string location() const;
  /// Dotted key path from the root, e.g. `gates.NAND.area_ge`.
  const std::string& path() const;

 private:
  std::shared_ptr<DocumentState> m_doc;  // shared by every node of one document
  std::shared_ptr<NodeImpl> m_impl;      // this node
};

/// A parsed YAML file (or string) plus the errors found while reading it.
class Document {
 public:
  /// Parses a file; unreadable files and YAML syntax errors throw ConfigError at once.
  static Document load(const std::string& path);
  /// Parses text; `name` stands for the file in messages.
  static Document parse(const std::string& text, const std::string& name);

  Node root() const;
  /// Reports every key of every mapping that was never read (with a "did you mean"), then
  /// throws ConfigError when any error was recorded.
  void finish() const;

 private:
  explicit Document(std::shared_ptr<DocumentState> state);
  std::shared_ptr<DocumentState> m_state;  // tree, errors, keys read
};

}  // namespace axpod::config
