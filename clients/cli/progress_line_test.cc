// What audit verify's progress bar draws on a terminal, and that it draws
// nothing elsewhere.
#include "clients/cli/progress_line.h"

#include <sstream>

#include "gtest/gtest.h"

namespace cellchain::cli {
namespace {

TEST(ProgressLineTest, TheBarIsFilledAsFarAsTheWorkIsDone) {
  EXPECT_EQ(ProgressLine::Text("tree", 1200, 2400, 20),
            "tree      [##########..........]  1200/2400  50%");
  EXPECT_EQ(ProgressLine::Text("proofs", 0, 3, 6),
            "proofs    [......]  0/3  0%");
  EXPECT_EQ(ProgressLine::Text("proofs", 3, 3, 6),
            "proofs    [######]  3/3  100%");
  // More than the total, or less than nothing, stays within the bar.
  EXPECT_EQ(ProgressLine::Text("records", 9, 3, 6),
            "records   [######]  3/3  100%");
  EXPECT_EQ(ProgressLine::Text("records", -1, 3, 6),
            "records   [......]  0/3  0%");
  // Nothing to do is done.
  EXPECT_EQ(ProgressLine::Text("entities", 0, 0, 4), "entities  [####]");
}

TEST(ProgressLineTest, APhaseNamedByTheServerCannotDriveTheTerminal) {
  EXPECT_EQ(ProgressLine::Text("tree\x1b[2J", 1, 2, 2),
            "tree\\x1b[2J  [#.]  1/2  50%");
}

TEST(ProgressLineTest, EachDrawingOverwritesTheLastWhole) {
  std::ostringstream out;
  ProgressLine line(out, true, 4);
  line.Update("records", 10, 100);
  EXPECT_EQ(out.str(), "\rrecords   [....]  10/100  10%");
  out.str("");
  // The same text again is not drawn again.
  line.Update("records", 10, 100);
  EXPECT_EQ(out.str(), "");
  // A shorter line blanks what the longer one left, then is drawn again
  // with the cursor at its end.
  line.Update("tree", 1, 2);
  EXPECT_EQ(out.str(),
            "\rtree      [##..]  1/2  50%   \rtree      [##..]  "
            "1/2  50%");
  out.str("");
  // Before a line of output the bar is blanked and the cursor at column 0.
  line.Clear();
  EXPECT_EQ(out.str(), "\r" + std::string(26, ' ') + "\r");
  out.str("");
  line.Clear();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLineTest, NotATerminalNothingIsWritten) {
  std::ostringstream out;
  ProgressLine line(out, false);
  line.Update("tree", 1, 2);
  line.Update("proofs", 2, 2);
  line.Clear();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace cellchain::cli
