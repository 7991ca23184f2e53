#include "mult/registry.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace axpod::mult {
namespace {

const Registry& reg() {
  return Registry::instance();
}

// A dropped translation unit must fail here, not in a user's run.
TEST(Registry, HoldsEveryBehaviouralFamily) {
  for (const char* f : {"exact", "trunc_op", "trunc_col", "bam", "kulkarni", "drum", "mitchell",
                        "ilm", "roba", "compressor42", "perf"})
    EXPECT_TRUE(reg().families().count(f)) << f;
}

TEST(Registry, HoldsEveryRtlModelUnderItsCanonicalName) {
  EXPECT_GE(reg().rtl_models().size(), 18u);
  for (const char* f : {"exact", "trunc_op", "bam", "kulkarni", "drum", "mitchell", "roba"}) {
    bool found = false;
    for (const auto& [name, rtl] : reg().rtl_models())
      if (name.rfind(std::string("rtl:") + f, 0) == 0) found = true;
    EXPECT_TRUE(found) << f;
  }
  for (const auto& [name, rtl] : reg().rtl_models()) {
    EXPECT_EQ(name, reg().canonical(name));
    EXPECT_EQ(name, "rtl:" + rtl.behavioural);
  }
}

TEST(Registry, CanonicalNamesListAllParametersInDeclaredOrder) {
  EXPECT_EQ(reg().canonical("drum"), "drum:k=4");
  EXPECT_EQ(reg().canonical("bam:v=8,h=2"), "bam:h=2,v=8");
  EXPECT_EQ(reg().canonical("drum:signed=1"), "drum:k=4,signed=1");
  EXPECT_EQ(reg().canonical("drum:k=4,signed=0"), "drum:k=4");
  EXPECT_EQ(reg().canonical("exact"), "exact");
}

TEST(Registry, CreateReportsInfo) {
  const auto m = reg().create("mitchell:signed=1");
  EXPECT_EQ(m.info.name, "mitchell:w=7,signed=1");
  EXPECT_EQ(m.info.family, "mitchell");
  EXPECT_TRUE(m.info.is_signed);
  EXPECT_EQ(m.info.source, Source::behavioural);
  const auto r = reg().create("rtl:drum:k=4");
  EXPECT_EQ(r.info.source, Source::rtl);
}

std::string error_of(const std::string& name) {
  try {
    reg().create(name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Registry, UnknownFamilySuggestsTheClosest) {
  const std::string e = error_of("drun:k=4");
  EXPECT_NE(e.find("unknown multiplier 'drun:k=4'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'drum'"), std::string::npos) << e;
}

TEST(Registry, BadParametersAreExplained) {
  EXPECT_NE(error_of("drum:k=99").find("k must be an integer in [2, 8], got '99'"),
            std::string::npos);
  EXPECT_NE(error_of("drum:k=four").find("got 'four'"), std::string::npos);
  EXPECT_NE(error_of("drum:q=3").find("has no parameter 'q' (it takes: k, signed)"),
            std::string::npos);
  EXPECT_NE(error_of("drum:k").find("not key=value"), std::string::npos);
  EXPECT_NE(error_of("drum:").find("empty parameter list"), std::string::npos);
  EXPECT_NE(error_of("drum:signed=2").find("signed must be 0 or 1"), std::string::npos);
  EXPECT_NE(error_of("").find("empty multiplier name"), std::string::npos);
}

TEST(Registry, MissingRtlModelListsTheVerilatedOnes) {
  const std::string e = error_of("rtl:drum:k=7");
  EXPECT_NE(e.find("no RTL model 'rtl:drum:k=7'"), std::string::npos) << e;
  EXPECT_NE(e.find("rtl:drum:k=4"), std::string::npos) << e;
  EXPECT_NE(error_of("rtl:ilm").find("none of family 'ilm' is verilated"), std::string::npos);
}

TEST(Registry, DuplicateRegistrationIsRefused) {
  EXPECT_THROW(Registry::instance().add_family(reg().family("drum")), std::logic_error);
}

}  // namespace
}  // namespace axpod::mult
