// The label of a cryovial and a culture vessel as manufacturing made them
// (issue 28), against a real PostgreSQL: manufacturing's real service on its
// test fixture freezes a bank, and the label rules (DecideLabel) are given
// the vial's custody item and its count as DirectProcess reads it
// (GetVialContent). Before vials carried their batch's DIN and a product
// code of their own the rules refused them LABEL_DATA_MISSING; now each
// vial's label carries its DIN and its own product code, and no two vials'
// labels read alike.
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/testing/status_matchers.h"
#include "services/labels/rules.h"
#include "services/manufacturing/manufacturing_test_fixture.h"

namespace cellchain::manufacturing {
namespace {

TEST_F(ManufacturingTest, AManufacturedCryovialGetsALabelWithItsDinAndCode) {
  Processed b = MakeProcessed();  // P0: 4e6 cells on day 8
  std::vector<std::string> positions = FreezerPositions(2);
  ASSERT_EQ(positions.size(), 2u);
  v1::CryopreserveRequest freeze;
  *freeze.mutable_context() = Ctx();
  freeze.set_source_step_id(b.p0.step_id());
  freeze.mutable_values()->set_bank_kind(v1::BANK_KIND_MASTER);
  freeze.mutable_values()->set_cells_per_vial(1e6);
  *freeze.mutable_values()->mutable_frozen_at() = At(Day(8.1));
  for (const std::string& p : positions) freeze.add_position_location_ids(p);
  *freeze.mutable_signature() = Performed();
  CC_ASSERT_OK_AND_ASSIGN(auto cryo, mfg_->Cryopreserve(tina_, freeze));
  ASSERT_EQ(cryo.step().vials_size(), 2);

  std::set<std::string> product_codes;
  for (const v1::Vial& vial : cryo.step().vials()) {
    labels::LabelFacts facts;
    facts.item = Item(vial.item_id());
    CC_ASSERT_OK_AND_ASSIGN(VialContent content,
                            mfg_->GetVialContent(vial.item_id()));
    facts.vial_cells = labels::CellCount{.viable_cells = content.viable_cells,
                                         .volume_ml = content.volume_ml};
    absl::StatusOr<labels::v1::Label> label = labels::DecideLabel(facts);
    ASSERT_TRUE(label.ok()) << label.status();
    EXPECT_EQ(label->type(), labels::v1::LABEL_TYPE_CRYOVIAL);
    EXPECT_EQ(labels::DinOf(*label), b.batch.din());
    EXPECT_EQ(label->isbt128().product_code().data().substr(0, 7), "=<S1296")
        << label->isbt128().product_code().data();
    product_codes.insert(label->isbt128().product_code().data());
  }
  EXPECT_EQ(product_codes.size(), 2u);

  // A culture vessel of the batch is labelled with its DIN and code too.
  labels::LabelFacts vessel;
  vessel.item = Item(b.p0.item_ids(0));
  absl::StatusOr<labels::v1::Label> label = labels::DecideLabel(vessel);
  ASSERT_TRUE(label.ok()) << label.status();
  EXPECT_EQ(label->type(), labels::v1::LABEL_TYPE_CULTURE_VESSEL);
  EXPECT_EQ(labels::DinOf(*label), b.batch.din());
  EXPECT_EQ(label->isbt128().product_code().data(), "=<S12970A0");
}

}  // namespace
}  // namespace cellchain::manufacturing
