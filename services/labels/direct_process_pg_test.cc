// DirectProcess (direct_process.h) over the real donor and manufacturing
// services, custody and identity (donor's DonorTest fixture: a cord
// received 71 h after its collection): what a tissue container's and a
// cryovial's label would be told. A vial's count itself is held to
// manufacturing's GetVialContent in manufacturing_pg_test.
#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "services/donor/donor_test_fixture.h"
#include "services/labels/direct_process.h"
#include "services/manufacturing/direct_donor_lots.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::labels {
namespace {

class DirectProcessTest : public donor::DonorTest {
 protected:
  void SetUp() override {
    DonorTest::SetUp();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(mfg_pool_, ServicePool("manufacturing", 1));
    CC_ASSERT_OK_AND_ASSIGN(mfg_ledger_, ServiceLedger("manufacturing"));
    lots_ = std::make_unique<manufacturing::DirectDonorLots>(donors_.get());
    mfg_ = std::make_unique<manufacturing::Manufacturing>(
        mfg_pool_.get(), mfg_ledger_.get(), identity_.get(), port_.get(),
        lots_.get());
    process_ = std::make_unique<DirectProcess>(donors_.get(), mfg_.get());
  }

  std::unique_ptr<pg::Pool> mfg_pool_;
  std::unique_ptr<ledger::Ledger> mfg_ledger_;
  std::unique_ptr<manufacturing::DirectDonorLots> lots_;
  std::unique_ptr<manufacturing::Manufacturing> mfg_;
  std::unique_ptr<DirectProcess> process_;
};

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

TEST_F(DirectProcessTest, AnItemOfTheDonationIsCollectedWhenItsCordWas) {
  CC_ASSERT_OK_AND_ASSIGN(Ready ready, MakeReady());
  ASSERT_TRUE(ready.lot.has_collected_at());
  // The donor lot's own custody item carries the donation's DIN.
  const custody::v1::Item lot_item = Item(ready.lot.item_id());
  CC_ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> collected,
                          process_->CollectedAt(lot_item));
  ASSERT_TRUE(collected.has_value());
  EXPECT_EQ(*collected, TimeOf(ready.lot.collected_at()));
  // 71 hours before now, as the cord was received: not its delivery.
  EXPECT_NE(*collected, TimeOf(ready.lot.delivered_at()));

  // Another donation's DIN that no donor lot has, and an item without a
  // DIN: not known, so the label's rules decide.
  custody::v1::Item other = lot_item;
  for (auto& id : *other.mutable_isbt128()) {
    if (id.kind() == "din") id.set_value("A999926999999");
  }
  CC_ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> unknown,
                          process_->CollectedAt(other));
  EXPECT_FALSE(unknown.has_value());
  other.clear_isbt128();
  CC_ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> no_din,
                          process_->CollectedAt(other));
  EXPECT_FALSE(no_din.has_value());

  // The lot's item is no vial: its count is not known.
  CC_ASSERT_OK_AND_ASSIGN(std::optional<CellCount> cells,
                          process_->VialCells(lot_item));
  EXPECT_FALSE(cells.has_value());
}

}  // namespace
}  // namespace cellchain::labels
