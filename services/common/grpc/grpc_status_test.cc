#include "services/common/grpc/grpc_status.h"

#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::grpcx {
namespace {

TEST(GrpcStatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, ReasonSurvivesTheWire) {
  grpc::Status wire =
      ToGrpcStatus(FailedRule("LOT_NOT_RELEASED", "lot L1 is quarantined"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(wire.error_message(), "lot L1 is quarantined");
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(back), "LOT_NOT_RELEASED");
  EXPECT_EQ(back.message(), "lot L1 is quarantined");
}

TEST(GrpcStatusTest, FieldSurvivesTheWire) {
  absl::Status back =
      FromGrpcStatus(ToGrpcStatus(InvalidField("dose.volume_ml", "not 20")));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(back), "dose.volume_ml");
}

TEST(GrpcStatusTest, InternalDetailsAreNotSent) {
  grpc::Status wire = ToGrpcStatus(
      absl::InternalError("relation cellchain_meta.secret does not exist"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(wire.error_message().find("secret"), std::string::npos);
  EXPECT_NE(wire.error_message().find("ref=err_"), std::string::npos);
}

TEST(GrpcStatusTest, EveryCodeMapsToTheSameGrpcCode) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "x");
    EXPECT_EQ(static_cast<int>(ToGrpcStatus(status).error_code()), code);
  }
}

}  // namespace
}  // namespace cellchain::grpcx
