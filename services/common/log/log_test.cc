#include "services/common/log/log.h"

#include "gtest/gtest.h"

namespace cellchain::log {
namespace {

TEST(LogTest, LineHasTimestampLevelEventAndFields) {
  std::string line = FormatLine(Level::kInfo, "rpc",
                                {{"method", "/a.B/C"}, {"status", "OK"}});
  EXPECT_TRUE(line.starts_with("ts=")) << line;
  EXPECT_NE(line.find("Z level=info event=rpc method=/a.B/C status=OK"),
            std::string::npos)
      << line;
}

TEST(LogTest, ValuesThatWouldBreakTheLineAreQuoted) {
  std::string line = FormatLine(
      Level::kWarning, "x",
      {{"peer", "CN=lab ws,O=x"}, {"msg", "a \"b\"\nc"}, {"empty", ""}});
  EXPECT_NE(line.find("peer=\"CN=lab ws,O=x\""), std::string::npos) << line;
  EXPECT_NE(line.find("msg=\"a \\\"b\\\"\\nc\""), std::string::npos) << line;
  EXPECT_NE(line.find("empty=\"\""), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogTest, ParseLevel) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace cellchain::log
