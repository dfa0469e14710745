// One mTLS channel kept for many calls, as cellchain-web and the label
// station keep theirs: a megabyte-sized request refused on it must not break
// the next caller's call on the same connection (issue 13, "Bad input";
// docs/testing.md, "Test time"). The hostile-input campaign saw, with one
// channel per test, a 64 KiB lot_id right after a 1 MiB one fail UNAVAILABLE
// "Transport closed"; this sends that pair many times, then an ordinary call.
// It has not reproduced that failure (20 runs under load passed): a guard
// for the pair alone, while the campaign's trigger is still open.
//
// Run through ctest (label e2e).
#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_test.h"
#include "tests/e2e/every_rpc.h"

namespace cellchain::e2e {
namespace {

constexpr int kPairs = 40;

class KeptChannelTest : public E2eTest {
 protected:
  void SetUp() override { SetUpWithAdminToken(&token_); }
  std::string token_;
};

TEST_F(KeptChannelTest, OversizedRequestsLeaveTheConnectionUsable) {
  std::shared_ptr<grpc::Channel> channel = daemon_->Channel("admin-cli");
  ASSERT_NE(channel, nullptr);
  for (int i = 0; i < kPairs; ++i) {
    for (size_t size : {size_t{1} << 20, size_t{64} << 10}) {
      donor::v1::DiscardLotRequest discard;
      discard.set_lot_id(std::string(size, 'A'));
      grpc::Status status =
          CallGeneric(channel, "/cellchain.donor.v1.DonorService/DiscardLot",
                      discard.SerializeAsString(), token_);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << "pair " << i << ", DiscardLot lot_id of " << size
          << " bytes: " << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::OK);
      qc::v1::GetLotRequest get;
      get.set_lot_id(std::string(size, 'B'));
      status = CallGeneric(channel, "/cellchain.qc.v1.QcService/GetLot",
                           get.SerializeAsString(), token_);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << "pair " << i << ", GetLot lot_id of " << size
          << " bytes: " << status.error_message();
    }
  }
  qc::v1::GetLotRequest ordinary;
  ordinary.set_lot_id("LOT-NONE");
  grpc::Status status =
      CallGeneric(channel, "/cellchain.qc.v1.QcService/GetLot",
                  ordinary.SerializeAsString(), token_);
  EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

}  // namespace
}  // namespace cellchain::e2e
