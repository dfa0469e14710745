// What the CLI prints for a value holding control characters.
#include "services/common/strings/printable.h"

#include "gtest/gtest.h"

namespace cellchain {
namespace {

TEST(PrintableTest, TextIsUnchanged) {
  EXPECT_EQ(Printable("Zoë Ångström 🧪 (QA) 50%"),
            "Zoë Ångström 🧪 (QA) 50%");
}

TEST(PrintableTest, ControlCharactersAreEscapedOnOneLine) {
  // What `user list` printed raw before: a screen clear, a forged line.
  EXPECT_EQ(Printable("Ann\x1b[2J\r\nroot  admin"),
            "Ann\\x1b[2J\\r\\nroot  admin");
  EXPECT_EQ(Printable("a\tb\\c"), "a\\tb\\\\c");
  EXPECT_EQ(Printable(std::string("a\0b\x7f", 4)), "a\\x00b\\x7f");
  EXPECT_EQ(Printable("a\xc2\x9b"
                      "31m"),
            "a\\u{009b}31m");
  EXPECT_EQ(Printable("a\xe2\x80\xa8"
                      "b"),
            "a\\u{2028}b");
}

TEST(PrintableTest, BytesThatAreNotUtf8AreShownAsBytes) {
  EXPECT_EQ(Printable("Ann\xff\xc3"), "Ann\\xff\\xc3");
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");
}

}  // namespace
}  // namespace cellchain
