// --target as a client is given it: one address untouched, a list made
// into gRPC's static address list, and bad lists refused naming the entry.
#include "services/common/grpc/targets.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::grpcx {
namespace {

using ::testing::HasSubstr;

TEST(ParseTargetTest, OneAddressIsPassedToGrpcUnchanged) {
  for (const char* one :
       {"127.0.0.1:7443", "cellchain.lab:7443", "dns:///cellchain.lab:7443"}) {
    absl::StatusOr<ChannelTarget> target = ParseTarget(one);
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ(target->uri, one);
    EXPECT_EQ(target->authority, "");
    EXPECT_EQ(target->addresses, 1u);
  }
}

TEST(ParseTargetTest, ListOfIpv4AddressesIsOneStaticList) {
  absl::StatusOr<ChannelTarget> target =
      ParseTarget("127.0.0.1:7443, 127.0.0.1:7444,10.0.0.2:7443");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->uri, "ipv4:127.0.0.1:7443,127.0.0.1:7444,10.0.0.2:7443");
  // TLS checks every replica against the first entry's name.
  EXPECT_EQ(target->authority, "127.0.0.1:7443");
  EXPECT_EQ(target->addresses, 3u);
}

TEST(ParseTargetTest, ListOfIpv6AddressesKeepsTheirBrackets) {
  absl::StatusOr<ChannelTarget> target = ParseTarget("[::1]:7443,[::1]:7444");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->uri, "ipv6:[::1]:7443,[::1]:7444");
  EXPECT_EQ(target->authority, "[::1]:7443");
}

TEST(ParseTargetTest, NamesAreResolvedAndTheFirstNameIsTheAuthority) {
  // localhost is in every /etc/hosts; its IPv4 address is taken since
  // 127.0.0.1 has no IPv6 one.
  absl::StatusOr<ChannelTarget> target =
      ParseTarget("localhost:7443,127.0.0.1:7444");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->uri, "ipv4:127.0.0.1:7443,127.0.0.1:7444");
  EXPECT_EQ(target->authority, "localhost:7443");
}

TEST(ParseTargetTest, BadEntryIsRefusedNamingIt) {
  for (const char* bad :
       {"127.0.0.1:7443,127.0.0.1", "127.0.0.1:7443,", "127.0.0.1:0,h:1",
        "127.0.0.1:7443,:7444", "h:1,h:65536", "h:1,::1:7443", "h:1,h:x1",
        "h:1,[nonsense]:2"}) {
    absl::StatusOr<ChannelTarget> target = ParseTarget(bad);
    ASSERT_FALSE(target.ok()) << bad;
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(target.status().message(),
                HasSubstr("is not HOST:PORT or [IPV6]:PORT"))
        << bad;
  }
  EXPECT_THAT(ParseTarget("h:1,h:65536").status().message(),
              HasSubstr("\"h:65536\" is not HOST:PORT"));
}

TEST(ParseTargetTest, UnresolvableNameIsUnavailableNamingIt) {
  absl::StatusOr<ChannelTarget> target =
      ParseTarget("127.0.0.1:7443,no-such-host.invalid:7443");
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(target.status().message(),
              HasSubstr("cannot resolve \"no-such-host.invalid\""));
}

TEST(ParseTargetTest, MixedAddressFamiliesAreRefused) {
  absl::StatusOr<ChannelTarget> target =
      ParseTarget("127.0.0.1:7443,[::1]:7444");
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(target.status().message(),
              HasSubstr("no address family in common"));
}

}  // namespace
}  // namespace cellchain::grpcx
