#include "services/common/grpc/grpc_status.h"

#include <string>
#include <vector>

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

// The refusal's metadata travels in the same trailer as its message and may
// quote input too (a release gate's words quote the label scan): each value
// is cut, at a character, and all of them together, every key kept and a
// short value whole, so that even with the message at its limit the
// trailers stay under a gRPC client's 8 KiB.
TEST(GrpcStatusTest, LongMetadataIsCutToFitTheTrailers) {
  // Two-byte characters after an odd prefix: a cut at a fixed byte would
  // land inside one.
  std::string words = "the scan is not ISBT 128 data: x";
  for (int i = 0; i < (1 << 19); ++i) words += "\xc3\xa9";  // é
  const std::vector<std::string> gates = {
      "gate_label_mismatch", "gate_patient_mismatch", "gate_lot_not_released",
      "gate_expired"};
  // One long value alone: cut to kMaxErrorValueBytes.
  absl::Status one = WithMetadata(FailedRule("LABEL_MISMATCH", words),
                                  "gate_label_mismatch", words);
  std::string cut =
      MetadataOf(FromGrpcStatus(ToGrpcStatus(one)), "gate_label_mismatch");
  EXPECT_LE(cut.size(), kMaxErrorValueBytes);
  EXPECT_GT(cut.size(), kMaxErrorValueBytes - 5);
  EXPECT_EQ(cut.rfind("the scan is not ISBT 128 data: x\xc3\xa9", 0), 0u);
  EXPECT_EQ(cut.substr(cut.size() - 5), "\xc3\xa9...");  // a whole é
  // Several: within kMaxErrorMetadataBytes in all, the dose id whole.
  absl::Status many =
      WithMetadata(FailedRule("LABEL_MISMATCH", words), "dose_id", "dos_1");
  for (const std::string& gate : gates) {
    many = WithMetadata(std::move(many), gate, words);
  }
  grpc::Status wire = ToGrpcStatus(many);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(wire.error_details()));
  ASSERT_EQ(rich.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(info.ParseFromString(rich.details(1).value()));
  EXPECT_EQ(info.metadata_size(), 5);
  EXPECT_EQ(info.metadata().at("dose_id"), "dos_1");
  size_t total = 0;
  for (const auto& [key, value] : info.metadata())
    total += key.size() + value.size();
  EXPECT_LE(total, kMaxErrorMetadataBytes);
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(MetadataOf(back, "dose_id"), "dos_1");
  for (const std::string& gate : gates) {
    const std::string& value = info.metadata().at(gate);
    EXPECT_EQ(MetadataOf(back, gate), value);
    // Each a fair share, not the first key's all.
    EXPECT_GT(value.size(), (kMaxErrorMetadataBytes - 120) / gates.size() - 8)
        << gate;
    EXPECT_EQ(value.substr(value.size() - 5), "\xc3\xa9...") << gate;
  }
  // The message at its limit, nearly all of it two-byte characters:
  // grpc-message percent-encodes each of their bytes (x3), the details go
  // base64 (x4/3). Under 7 KiB, the rest of 8 KiB for the headers' names
  // and HPACK's 32 bytes a header.
  EXPECT_GT(wire.error_message().size(), kMaxStatusMessageBytes - 10);
  const size_t trailers =
      wire.error_message().size() * 3 + wire.error_details().size() * 4 / 3;
  EXPECT_LT(trailers, 7168u);
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
