#include "config/yaml_node.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/text.h"

namespace axpod::config {

struct DocumentState {
  std::string file;                 // file name used in messages
  YAML::Node root;                  // parsed tree
  std::vector<std::string> errors;  // formatted messages, in the order found
  std::set<std::string> read_keys;  // key paths that some reader asked for
};

struct NodeImpl {
  YAML::Node node;      // the value (undefined for an absent key)
  std::string path;     // dotted path from the root
  YAML::Mark mark;      // position of the value, or of the parent when absent
  bool present = true;  // false for a missing required key
};

namespace {

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

std::string format_mark(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

Node::Node(std::shared_ptr<DocumentState> doc, std::shared_ptr<NodeImpl> impl)
    : m_doc(std::move(doc)), m_impl(std::move(impl)) {}

void Node::error(const std::string& message) const {
  const std::string where = location();
  m_doc->errors.push_back(where + ": " + (m_impl->path.empty() ? "(root)" : m_impl->path) + ": " +
                          message);
}

std::string Node::location() const {
  return format_mark(m_doc->file, m_impl->mark);
}

const std::string& Node::path() const {
  return m_impl->path;
}

bool Node::is_sequence() const {
  return m_impl->present && m_impl->node.IsSequence();
}
bool Node::is_map() const {
  return m_impl->present && m_impl->node.IsMap();
}

std::optional<Node> Node::optional(const std::string& key) const {
  if (!m_impl->present) return std::nullopt;
  if (!m_impl->node.IsMap()) {
    error("expected a mapping, got " + describe(m_impl->node));
    return std::nullopt;
  }
  const std::string path = child_path(m_impl->path, key);
  m_doc->read_keys.insert(path);
  const YAML::Node child = m_impl->node[key];
  if (!child.IsDefined() || child.IsNull()) return std::nullopt;
  auto impl = std::make_shared<NodeImpl>(NodeImpl{child, path, child.Mark(), true});
  return Node(m_doc, std::move(impl));
}

Node Node::required(const std::string& key) const {
  if (auto child = optional(key)) return *child;
  auto impl = std::make_shared<NodeImpl>(
      NodeImpl{YAML::Node(), child_path(m_impl->path, key), m_impl->mark, false});
  Node absent(m_doc, std::move(impl));
  // Only report the missing key when the parent itself exists and is a mapping; otherwise
  // the parent's error already explains the problem.
  if (m_impl->present && m_impl->node.IsMap()) absent.error("missing required key");
  return absent;
}

std::int64_t Node::as_int(std::int64_t lo, std::int64_t hi, std::int64_t fallback) const {
  if (!m_impl->present) return fallback;
  long long v = 0;
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!m_impl->node.IsScalar() || !text::parse_int(m_impl->node.Scalar(), v)) {
    error("expected an integer in " + range + ", got " + describe(m_impl->node));
    return fallback;
  }
  if (v < lo || v > hi) {
    error("expected an integer in " + range + ", got " + describe(m_impl->node));
    return fallback;
  }
  return v;
}

double Node::as_double(double lo, double hi, double fallback) const {
  if (!m_impl->present) return fallback;
  double v = 0.0;
  std::ostringstream range;
  range << "[" << lo << ", " << hi << "]";
  if (!m_impl->node.IsScalar() || !text::parse_double(m_impl->node.Scalar(), v) || v < lo ||
      v > hi) {
    error("expected a number in " + range.str() + ", got " + describe(m_impl->node));
    return fallback;
  }
  return v;
}

std::string Node::as_string(const std::string& fallback) const {
  if (!m_impl->present) return fallback;
  if (!m_impl->node.IsScalar()) {
    error("expected a string, got " + describe(m_impl->node));
    return fallback;
  }
  return m_impl->node.Scalar();
}

bool Node::as_bool(bool fallback) const {
  if (!m_impl->present) return fallback;
  if (m_impl->node.IsScalar()) {
    const std::string& s = m_impl->node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error("expected true or false, got " + describe(m_impl->node));
  return fallback;
}

std::vector<Node> Node::elements() const {
  std::vector<Node> out;
  if (!m_impl->present) return out;
  if (!m_impl->node.IsSequence()) {
    error("expected a list, got " + describe(m_impl->node));
    return out;
  }
  std::size_t i = 0;
  for (const auto& child : m_impl->node) {
    auto impl = std::make_shared<NodeImpl>(
        NodeImpl{child, index_path(m_impl->path, i), child.Mark(), true});
    out.emplace_back(m_doc, std::move(impl));
    ++i;
  }
  return out;
}

std::vector<std::string> Node::keys() const {
  std::vector<std::string> out;
  if (!m_impl->present) return out;
  if (!m_impl->node.IsMap()) {
    error("expected a mapping, got " + describe(m_impl->node));
    return out;
  }
  for (const auto& kv : m_impl->node) out.push_back(kv.first.Scalar());
  return out;
}

Document::Document(std::shared_ptr<DocumentState> state) : m_state(std::move(state)) {}

namespace {

constexpr std::size_t kMaxNodes = 1000000;  // as visited, aliases expanded
constexpr int kMaxDepth = 256;

/// Walks the document as a reader would (aliases expanded) within a node budget, so that a
/// few nested aliases ("billion laughs") cannot make the readers walk 10^9 nodes, and refuses a
/// key repeated in one mapping (YAML forbids it; readers would take the first silently).
void check_structure(const YAML::Node& node, const std::string& file, std::size_t& budget,
                     int depth) {
  if (budget == 0 || depth > kMaxDepth)
    throw ConfigError({file + ": the document expands to more than " + std::to_string(kMaxNodes) +
                       " nodes or nests deeper than " + std::to_string(kMaxDepth) +
                       " levels (nested YAML aliases?)"});
  --budget;
  if (node.IsMap()) {
    std::set<std::string> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second)
        throw ConfigError({format_mark(file, kv.first.Mark()) + ": key '" + kv.first.Scalar() +
                           "' repeats an earlier key of the same mapping"});
      check_structure(kv.second, file, budget, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (const auto& child : node) check_structure(child, file, budget, depth + 1);
  }
}

}  // namespace

Document Document::parse(const std::string& text, const std::string& name) {
  auto state = std::make_shared<DocumentState>();
  state->file = name;
  try {
    state->root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError({format_mark(name, e.mark) + ": YAML syntax error: " + e.msg});
  }
  std::size_t budget = kMaxNodes;
  check_structure(state->root, name, budget, 0);
  return Document(std::move(state));
}

Document Document::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path + ": cannot open file for reading"});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Node Document::root() const {
  auto impl = std::make_shared<NodeImpl>(NodeImpl{m_state->root, "", m_state->root.Mark(), true});
  return Node(m_state, std::move(impl));
}

namespace {

void report_unknown(const std::shared_ptr<DocumentState>& st, const YAML::Node& node,
                    const std::string& path) {
  if (node.IsMap()) {
    std::vector<std::string> known;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (st->read_keys.count(child_path(path, key))) known.push_back(key);
    }
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const std::string p = child_path(path, key);
      if (!st->read_keys.count(p)) {
        // Suggest among the keys that readers asked for at this level.
        std::vector<std::string> asked;
        const std::string prefix = path.empty() ? "" : path + ".";
        for (const auto& r : st->read_keys) {
          if (r.rfind(prefix, 0) == 0 && r.find('.', prefix.size()) == std::string::npos &&
              r.find('[', prefix.size()) == std::string::npos)
            asked.push_back(r.substr(prefix.size()));
        }
        std::string msg = format_mark(st->file, kv.first.Mark()) + ": " + p + ": unknown key";
        const std::string guess = text::closest(key, asked);
        if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
        st->errors.push_back(msg);
        continue;
      }
      report_unknown(st, kv.second, p);
    }
  } else if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& child : node) report_unknown(st, child, index_path(path, i++));
  }
}

}  // namespace

void Document::finish() const {
  report_unknown(m_state, m_state->root, "");
  if (!m_state->errors.empty()) throw ConfigError(m_state->errors);
}

}  // namespace axpod::config
