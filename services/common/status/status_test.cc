#include "services/common/status/status.h"

#include <map>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "services/common/status/metadata.h"

namespace cellchain {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidField("n", "must be even");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  CC_ASSIGN_OR_RETURN(int half, Half(n));
  CC_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckQuarter(int n) {
  CC_RETURN_IF_ERROR(Quarter(n).status());
  return absl::OkStatus();
}

TEST(StatusTest, InvalidFieldNamesTheField) {
  absl::Status s = InvalidField("dose.volume_ml", "must be 20");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "dose.volume_ml");
  EXPECT_EQ(s.message(), "dose.volume_ml: must be 20");
  EXPECT_EQ(ReasonOf(s), "");
}

TEST(StatusTest, FailedRuleCarriesReason) {
  absl::Status s = FailedRule("LOT_NOT_RELEASED", "lot is in quarantine");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(s), "LOT_NOT_RELEASED");
}

TEST(StatusTest, NotFoundNamesWhatWasLookedForAndItsReason) {
  absl::Status status = NotFound("batch", "bat_1", "BATCH_NOT_FOUND");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no batch \"bat_1\"");
  EXPECT_EQ(ReasonOf(status), "BATCH_NOT_FOUND");
  EXPECT_EQ(ReasonOf(NotFound("donor", "don_9")), "");
}

TEST(StatusTest, AnnotateKeepsCodeAndPayloads) {
  absl::Status s = Annotate(FailedRule("EXPIRED", "dose expired"), "release");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "release: dose expired");
  EXPECT_EQ(ReasonOf(s), "EXPIRED");
  EXPECT_TRUE(Annotate(absl::OkStatus(), "x").ok());
}

TEST(StatusTest, MetadataIsKeptByKeyApartFromReasonAndField) {
  absl::Status s = WithMetadata(
      FailedRule("PATIENT_MISMATCH", "dose dos_1 cannot be released"),
      "dose_id", "dos_1");
  s = WithMetadata(std::move(s), "order_id", "ord_1");
  EXPECT_EQ(MetadataOf(s, "dose_id"), "dos_1");
  EXPECT_EQ(MetadataOf(s, "lot_id"), "");
  EXPECT_EQ(ReasonOf(s), "PATIENT_MISMATCH");
  EXPECT_EQ(AllMetadataOf(s),
            (std::map<std::string, std::string>{{"dose_id", "dos_1"},
                                                {"order_id", "ord_1"}}));
  EXPECT_EQ(MetadataOf(Annotate(s, "release"), "dose_id"), "dos_1");
  // Nothing is attached to success.
  EXPECT_TRUE(
      AllMetadataOf(WithMetadata(absl::OkStatus(), "dose_id", "x")).empty());
}

TEST(StatusTest, MacrosPropagateFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(Quarter(3).status()), "n");
  EXPECT_TRUE(CheckQuarter(12).ok());
  EXPECT_FALSE(CheckQuarter(10).ok());
}

}  // namespace
}  // namespace cellchain
