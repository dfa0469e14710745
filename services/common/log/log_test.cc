#include "services/common/log/log.h"

#include "gtest/gtest.h"

namespace cellchain::log {
namespace {

TEST(LogTest, LineHasTimestampLevelEventAndFields) {
  std::string line =
      FormatLine(Level::kInfo, "rpc", {{"method", "/a.B/C"}, {"status", "OK"}});
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

TEST(LogTest, ControlCharactersAreEscapedNotLost) {
  // An ESC that would recolour a terminal reading the log, a C1 CSI, a CR
  // that would rewrite the line, a byte that is not UTF-8: each is written
  // as what it was, so the log keeps what the client sent.
  std::string line = FormatLine(Level::kInfo, "x",
                                {{"user", "ada\x1b[31m"},
                                 {"csi", "a\xc2\x9b"},
                                 {"cr", "a\rb"},
                                 {"bad", "\xff"},
                                 {"name", "Zo\xc3\xab"}});
  EXPECT_NE(line.find("user=\"ada\\x1b[31m\""), std::string::npos) << line;
  EXPECT_NE(line.find("csi=\"a\\u{009b}\""), std::string::npos) << line;
  EXPECT_NE(line.find("cr=\"a\\rb\""), std::string::npos) << line;
  EXPECT_NE(line.find("bad=\"\\xff\""), std::string::npos) << line;
  // Text in other scripts stays as it is, unquoted.
  EXPECT_NE(line.find("name=Zo\xc3\xab"), std::string::npos) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
}

TEST(LogTest, ParseLevel) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_FALSE(ParseLevel("loud", &level));
}

}  // namespace
}  // namespace cellchain::log
