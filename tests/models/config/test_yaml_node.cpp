#include "config/yaml_node.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace axpod::config {
namespace {

// Parses `text` as file "t.yaml", reads a small schema, and returns the ConfigError messages.
std::vector<std::string> errors_of(const std::string& text) {
  try {
    const auto doc = Document::parse(text, "t.yaml");
    const auto root = doc.root();
    root.required("rows").as_int(1, 1024);
    root.required("clock_mhz").as_double(1.0, 1e4);
    if (auto pods = root.optional("pods"))
      for (const auto& p : pods->elements()) p.required("cols").as_int(1, 1024);
    doc.finish();
  } catch (const ConfigError& e) {
    return e.messages();
  }
  return {};
}

TEST(YamlNode, ValidDocumentHasNoErrors) {
  EXPECT_TRUE(errors_of("rows: 128\nclock_mhz: 1050\npods:\n  - cols: 4\n").empty());
}

TEST(YamlNode, RepeatedKeysAreErrors) {
  const auto errs = errors_of("rows: 128\nclock_mhz: 1050\nrows: 4\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "t.yaml:3:1: key 'rows' repeats an earlier key of the same mapping");
}

// Nine levels of ten aliases would expand to 10^9 nodes: refused at once.
TEST(YamlNode, NestedAliasesAreBounded) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  text += "rows: 1\nclock_mhz: 10\n";
  const auto errs = errors_of(text);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("more than 1000000 nodes"), std::string::npos) << errs[0];
}

TEST(YamlNode, BadValueNamesFileLineColumnAndKey) {
  const auto errs = errors_of("rows: -4\nclock_mhz: 1050\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "t.yaml:1:7: rows: expected an integer in [1, 1024], got \"-4\"");
}

TEST(YamlNode, MissingKeyIsReportedAtItsParent) {
  const auto errs = errors_of("clock_mhz: 1050\npods:\n  - cols: 4\n  - rows: 2\n");
  ASSERT_EQ(errs.size(),
            3u);  // rows missing at root, cols missing in pods[1], pods[1].rows unknown
  EXPECT_EQ(errs[0], "t.yaml:1:1: rows: missing required key");
  EXPECT_EQ(errs[1], "t.yaml:4:5: pods[1].cols: missing required key");
  EXPECT_NE(errs[2].find("t.yaml:4:5: pods[1].rows: unknown key"), std::string::npos);
}

TEST(YamlNode, UnknownKeySuggestsTheClosestKnownKey) {
  const auto errs = errors_of("rows: 4\nclock_mhz: 1050\nclok_mhz: 3\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "t.yaml:3:1: clok_mhz: unknown key (did you mean 'clock_mhz'?)");
}

TEST(YamlNode, AllErrorsOfAFileAreCollected) {
  const auto errs = errors_of("rows: many\nclock_mhz: fast\n");
  EXPECT_EQ(errs.size(), 2u);
}

TEST(YamlNode, SyntaxErrorHasAPosition) {
  try {
    Document::parse("rows: [1, 2\n", "s.yaml");
    FAIL() << "expected a syntax error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("s.yaml:", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos);
  }
}

TEST(YamlNode, UnreadableFileIsAConfigError) {
  EXPECT_THROW(Document::load("/nonexistent/axpod.yaml"), ConfigError);
}

}  // namespace
}  // namespace axpod::config
