// A box's grid as `custody location-add --grid` names its positions.
#include "clients/cli/box_grid.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(BoxGridTest, RowsAreLetteredAndColumnsNumberedRowByRow) {
  absl::StatusOr<std::vector<std::string>> two = GridPositions("2x3");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_THAT(*two, ElementsAre("A1", "A2", "A3", "B1", "B2", "B3"));
  absl::StatusOr<std::vector<std::string>> nine = GridPositions("9X9");
  ASSERT_TRUE(nine.ok()) << nine.status();
  ASSERT_EQ(nine->size(), 81u);
  EXPECT_EQ((*nine)[9], "B1");
  EXPECT_EQ(nine->back(), "I9");
  absl::StatusOr<std::vector<std::string>> wide = GridPositions("1x10");
  ASSERT_TRUE(wide.ok()) << wide.status();
  EXPECT_EQ(wide->back(), "A10");
}

TEST(BoxGridTest, ANonGridIsRefusedNamingTheFlag) {
  for (const char* text : {"", "9", "9x", "x9", "0x9", "27x1", "1x100", "9x9x9",
                           "-1x9", "9 x 9", "axb"}) {
    absl::StatusOr<std::vector<std::string>> grid = GridPositions(text);
    EXPECT_EQ(grid.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(grid.status().message(), HasSubstr("--grid: \"")) << text;
  }
  EXPECT_TRUE(GridPositions("26x99").ok());
}

}  // namespace
}  // namespace cellchain::cli
