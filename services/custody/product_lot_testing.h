// For the tests of services downstream of manufacturing (qc, dose,
// clinical): a product lot registered in custody the way manufacturing
// leaves one — a fresh DIN, harvested from a donor lot of umbilical cord
// tissue — so that a test can open a QC lot, prepare a dose or trace a
// patient from it without running a whole batch.
// Thread-safety: as custody::Custody's methods.
#ifndef CELLCHAIN_SERVICES_CUSTODY_PRODUCT_LOT_TESTING_H_
#define CELLCHAIN_SERVICES_CUSTODY_PRODUCT_LOT_TESTING_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "gtest/gtest.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/custody/custody.h"

namespace cellchain::custody::testing {

struct RegisteredProductLot {
  std::string din;
  std::string donor_lot_item_id;
  std::string product_item_id;
};

// Registers the donor lot and the product lot as `technician`, each request
// with a context from `context`; a refusal fails the calling test (the
// returned ids are then empty).
inline RegisteredProductLot RegisterProductLot(
    Custody& custody, const auth::Principal& technician,
    absl::FunctionRef<common::v1::RequestContext()> context) {
  RegisteredProductLot out;
  v1::AllocateDinRequest allocate;
  *allocate.mutable_context() = context();
  allocate.set_fin("A9999");
  auto din = custody.AllocateDin(technician, allocate);
  EXPECT_TRUE(din.ok()) << din.status();
  if (!din.ok()) return out;
  out.din = din->allocation().din();

  v1::RegisterItemRequest donor_lot;
  *donor_lot.mutable_context() = context();
  donor_lot.set_type(v1::ITEM_TYPE_DONOR_LOT);
  donor_lot.set_local_code("LOT-" + crypto::RandomId("l").substr(2, 8));
  donor_lot.set_description("umbilical cord tissue");
  auto donor = custody.RegisterItem(technician, donor_lot);
  EXPECT_TRUE(donor.ok()) << donor.status();
  if (!donor.ok()) return out;
  out.donor_lot_item_id = donor->item().item_id();

  v1::RegisterItemRequest product_lot;
  *product_lot.mutable_context() = context();
  product_lot.set_type(v1::ITEM_TYPE_PRODUCT_LOT);
  product_lot.set_din(out.din);
  product_lot.set_description("UC-MSC product lot, P4");
  v1::ParentLink* harvested = product_lot.add_parents();
  harvested->set_parent_item_id(out.donor_lot_item_id);
  harvested->set_kind(v1::DERIVATION_KIND_HARVEST);
  auto product = custody.RegisterItem(technician, product_lot);
  EXPECT_TRUE(product.ok()) << product.status();
  if (product.ok()) out.product_item_id = product->item().item_id();
  return out;
}

}  // namespace cellchain::custody::testing

#endif  // CELLCHAIN_SERVICES_CUSTODY_PRODUCT_LOT_TESTING_H_
