#include "common/text.h"

#include <gtest/gtest.h>

namespace axpod::text {
namespace {

TEST(Text, SplitKeepsEmptyFields) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Text, ParseIntRejectsTrailingGarbage) {
  long long v = 0;
  EXPECT_TRUE(parse_int("-42", v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(parse_int("4x", v));
  EXPECT_FALSE(parse_int("", v));
  EXPECT_FALSE(parse_int("four", v));
}

TEST(Text, ClosestSuggestsTypos) {
  EXPECT_EQ(closest("drun", {"drum", "exact", "mitchell"}), "drum");
  EXPECT_EQ(closest("zzzzzz", {"drum", "exact"}), "");
}

TEST(Text, CsvQuotesRoundTrip) {
  const std::string f = csv_field("drum:k=4,signed=1");
  EXPECT_EQ(f, "\"drum:k=4,signed=1\"");
  EXPECT_EQ(split_csv(f + ",x"), (std::vector<std::string>{"drum:k=4,signed=1", "x"}));
  EXPECT_EQ(split_csv("\"a\"\"b\",c"), (std::vector<std::string>{"a\"b", "c"}));
}

}  // namespace
}  // namespace axpod::text
