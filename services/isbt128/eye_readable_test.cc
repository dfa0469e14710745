#include "services/isbt128/eye_readable.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/isbt128/data_structures.h"

namespace cellchain::isbt128 {
namespace {

// ST-001 Figure 2 prints the DIN A999921123456 as "A9999 21 123456" with
// the check character 3 boxed; Type 3 flags (60 + 3) are not printed.
TEST(EyeReadable, DinWithoutFlagsAndWithItsCheckCharacter) {
  EXPECT_EQ(*EyeReadableOf("=A99992112345600"),
            (EyeReadable{"A9999 21 123456", '3'}));
  EXPECT_EQ(*EyeReadableOf("=A99992112345663"),
            (EyeReadable{"A9999 21 123456", '3'}));
  // Figure 22: the cornea's DIN has the check character '*'.
  EXPECT_EQ(EyeReadableOf("=A99991734562800")->check_character, '*');
}

TEST(EyeReadable, ProductCodeIsItsDataContent) {
  EXPECT_EQ(*EyeReadableOf("=<S12954A0"), (EyeReadable{"S12954A0"}));
}

// ST-001 Figure 21 label 4: "0180292359" is printed as 29 JAN 2018.
TEST(EyeReadable, DatesAsSt001PrintsThem) {
  EXPECT_EQ(*EyeReadableOf("&>0180292359"), (EyeReadable{"29 JAN 2018 23:59"}));
  EXPECT_EQ(*EyeReadableOf("&*0263651405"), (EyeReadable{"31 DEC 2026 14:05"}));
  EXPECT_EQ(*EyeReadableOf("=>018029"), (EyeReadable{"29 JAN 2018"}));
  EXPECT_EQ(*EyeReadableOf("&>0240600000"), (EyeReadable{"29 FEB 2024 00:00"}));
}

TEST(EyeReadable, ChainOfIdentityWithItsCheckCharacter) {
  absl::StatusOr<ChainOfIdentityId> coi =
      ChainOfIdentityId::Create("A9999", 26, "RH0017");
  ASSERT_TRUE(coi.ok());
  absl::StatusOr<EyeReadable> text = EyeReadableOf(EncodeChainOfIdentity(*coi));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->text, "CH A9999 26 RH0017");
  EXPECT_EQ(text->check_character, coi->CheckCharacter());
}

TEST(EyeReadable, RefusesWhatIsNotOneStructure) {
  EXPECT_EQ(FieldOf(EyeReadableOf("=+01000=A99992112345600").status()), "scan");
  EXPECT_EQ(FieldOf(EyeReadableOf("=A99992112345600=<S12954A0").status()),
            "scan");
  EXPECT_EQ(FieldOf(EyeReadableOf("=%5100").status()), "scan");
  EXPECT_EQ(FieldOf(EyeReadableOf("").status()), "scan");
  // A wrong Type 3 flag is the DIN's error, as a scan reports it.
  EXPECT_EQ(FieldOf(EyeReadableOf("=A99992112345664").status()),
            "din.check_character");
}

}  // namespace
}  // namespace cellchain::isbt128
