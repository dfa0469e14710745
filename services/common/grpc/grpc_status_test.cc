#include "services/common/grpc/grpc_status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "services/common/status/metadata.h"
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

// A refusal's facts reach the client as a google.rpc.ErrorInfo's metadata
// beside the ErrorDetail, the message unchanged for people.
TEST(GrpcStatusTest, MetadataSurvivesTheWireAsErrorInfo) {
  grpc::Status wire = ToGrpcStatus(WithMetadata(
      FailedRule("PATIENT_MISMATCH", "dose dos_1 cannot be released: ..."),
      "dose_id", "dos_1"));
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(wire.error_details()));
  ASSERT_EQ(rich.details_size(), 2);
  EXPECT_EQ(rich.details(1).type_url(),
            "type.googleapis.com/google.rpc.ErrorInfo");
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(info.ParseFromString(rich.details(1).value()));
  EXPECT_EQ(info.reason(), "PATIENT_MISMATCH");
  EXPECT_EQ(info.domain(), "cellchain.dev");
  EXPECT_EQ(info.metadata().at("dose_id"), "dos_1");
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(MetadataOf(back, "dose_id"), "dos_1");
  EXPECT_EQ(ReasonOf(back), "PATIENT_MISMATCH");
  EXPECT_EQ(back.message(), "dose dos_1 cannot be released: ...");
  // Without metadata, the ErrorDetail alone, as before.
  ASSERT_TRUE(rich.ParseFromString(
      ToGrpcStatus(FailedRule("LOT_NOT_RELEASED", "x")).error_details()));
  EXPECT_EQ(rich.details_size(), 1);
  // An internal error's facts stay in the server log.
  ASSERT_TRUE(rich.ParseFromString(
      ToGrpcStatus(WithMetadata(absl::InternalError("x"), "dose_id", "dos_1"))
          .error_details()));
  EXPECT_EQ(rich.details_size(), 1);
}

// A message quoting a huge input (NotFound's id) is cut, at a character,
// so that the trailers carrying it stay under a gRPC client's 8 KiB limit:
// over it the client closed the whole connection (kept_channel_e2e_test).
TEST(GrpcStatusTest, ALongMessageIsCutToFitTheTrailers) {
  // Two-byte characters from an odd offset: a cut at a fixed byte would
  // land inside one.
  std::string id = "x";
  for (int i = 0; i < (1 << 19); ++i) id += "\xc3\xa9";  // é
  grpc::Status wire = ToGrpcStatus(NotFound("lot", id, "LOT_NOT_FOUND"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string& message = wire.error_message();
  EXPECT_LE(message.size(), kMaxStatusMessageBytes);
  EXPECT_EQ(message.rfind("no lot \"x\xc3\xa9", 0), 0u) << message.substr(0, 20);
  const std::string note = "... (cut; 1048586 bytes)";
  ASSERT_GT(message.size(), note.size());
  EXPECT_EQ(message.substr(message.size() - note.size()), note);
  // The last character kept is whole.
  EXPECT_EQ(message.substr(message.size() - note.size() - 2, 2), "\xc3\xa9");
  // grpc-message percent-encodes each byte of a non-ASCII one (x3), the
  // details go base64 (x4/3): within 8 KiB with room for the headers.
  EXPECT_LT(message.size() * 3 + wire.error_details().size() * 4 / 3, 7000u);
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(ReasonOf(back), "LOT_NOT_FOUND");
  EXPECT_EQ(back.message(), message);
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
