// ISBT 128 codes of a batch's vessels and vials (issue 28), against a real
// PostgreSQL: every culture vessel and cryovial a step makes carries the
// batch's DIN and a product code of its kind (the vessel or the cryovial
// description code) with a division unique within the DIN — A0, B0, ... in
// the order the steps made them — so that custody can tell them apart by
// scan and labels can print one for each. A retry of a step gets the same
// codes.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/manufacturing/item_divisions.h"
#include "services/manufacturing/manufacturing_test_fixture.h"
#include "services/manufacturing/reasons.h"

namespace cellchain::manufacturing {
namespace {

using ::testing::ElementsAre;

std::string IdentifierOf(const custody::v1::Item& item,
                         const std::string& kind) {
  for (const audit::v1::Isbt128Identifier& id : item.isbt128()) {
    if (id.kind() == kind) return id.value();
  }
  return "";
}

TEST(DivisionCodeTest, LettersFirstThenEachSecondCharacterAndNeverUndivided) {
  EXPECT_EQ(*DivisionCode(0), "A0");
  EXPECT_EQ(*DivisionCode(1), "B0");
  EXPECT_EQ(*DivisionCode(25), "Z0");
  EXPECT_EQ(*DivisionCode(26), "Aa");
  EXPECT_EQ(*DivisionCode(26 * 27), "A1");
  EXPECT_EQ(*DivisionCode(kDivisionsPerKind - 1), "Z9");
  std::set<std::string> all;
  for (int n = 0; n < kDivisionsPerKind; ++n) all.insert(*DivisionCode(n));
  EXPECT_EQ(all.size(), static_cast<size_t>(kDivisionsPerKind));
  EXPECT_EQ(all.count("00"), 0u);
  EXPECT_EQ(ReasonOf(DivisionCode(kDivisionsPerKind).status()),
            kReasonDivisionsExhausted);
}

TEST_F(ManufacturingTest, VesselsAndVialsCarryTheDinAndTheirOwnProductCodes) {
  Processed b = MakeProcessed();  // P0: two T75 flasks
  const std::string din = b.batch.din();
  ASSERT_EQ(din.size(), 13u);

  // The processing's flasks are the batch's first vessels.
  std::vector<std::string> codes;
  for (const std::string& id : b.p0.item_ids()) {
    custody::v1::Item vessel = Item(id);
    EXPECT_EQ(vessel.type(), custody::v1::ITEM_TYPE_CULTURE_VESSEL);
    EXPECT_EQ(IdentifierOf(vessel, "din"), din);
    codes.push_back(IdentifierOf(vessel, "product_code"));
  }
  EXPECT_THAT(codes, ElementsAre("=<S12970A0", "=<S12970B0"));

  // P1's three flasks follow them; a retry of the seeding gets the same
  // items with the same codes.
  v1::SeedPassageRequest seed = Seed(b.p0.step_id(), Day(8), 2.5e6, 3);
  CC_ASSERT_OK_AND_ASSIGN(auto p1, mfg_->SeedPassage(tina_, seed));
  CC_ASSERT_OK_AND_ASSIGN(auto again, mfg_->SeedPassage(tina_, seed));
  ASSERT_EQ(p1.step().item_ids_size(), 3);
  EXPECT_THAT(again.step().item_ids(),
              ElementsAre(p1.step().item_ids(0), p1.step().item_ids(1),
                          p1.step().item_ids(2)));
  codes.clear();
  for (const std::string& id : p1.step().item_ids()) {
    custody::v1::Item vessel = Item(id);
    EXPECT_EQ(IdentifierOf(vessel, "din"), din);
    codes.push_back(IdentifierOf(vessel, "product_code"));
  }
  EXPECT_THAT(codes, ElementsAre("=<S12970C0", "=<S12970D0", "=<S12970E0"));

  // A bank's vials: the cryovial code, their divisions counted apart from
  // the vessels'.
  std::vector<std::string> positions = FreezerPositions(3);
  ASSERT_EQ(positions.size(), 3u);
  CC_ASSERT_OK(Harvest(p1.step().step_id(), Day(12), 2e7).status());
  v1::CryopreserveRequest freeze;
  *freeze.mutable_context() = Ctx();
  freeze.set_source_step_id(p1.step().step_id());
  freeze.mutable_values()->set_bank_kind(v1::BANK_KIND_MASTER);
  freeze.mutable_values()->set_cells_per_vial(1e6);
  *freeze.mutable_values()->mutable_frozen_at() = At(Day(12.1));
  for (const std::string& p : positions) freeze.add_position_location_ids(p);
  *freeze.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto cryo, mfg_->Cryopreserve(tina_, freeze));
  ASSERT_EQ(cryo.step().vials_size(), 3);
  codes.clear();
  for (const v1::Vial& vial : cryo.step().vials()) {
    custody::v1::Item item = Item(vial.item_id());
    EXPECT_EQ(item.type(), custody::v1::ITEM_TYPE_CRYOVIAL);
    EXPECT_EQ(IdentifierOf(item, "din"), din);
    codes.push_back(IdentifierOf(item, "product_code"));
  }
  EXPECT_THAT(codes, ElementsAre("=<S12960A0", "=<S12960B0", "=<S12960C0"));

  // Each can be found by scanning its DIN and product code.
  custody::v1::FindItemByScanRequest scan;
  scan.set_scan(absl::StrCat("=", din, "00", codes[1]));
  absl::StatusOr<custody::v1::FindItemByScanResponse> found =
      custody_->FindItemByScan(scan);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->item().item_id(), cryo.step().vials(1).item_id());
}

}  // namespace
}  // namespace cellchain::manufacturing
