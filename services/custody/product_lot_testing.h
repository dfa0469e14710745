// For the tests of services downstream of manufacturing (qc, dose,
// clinical): a product lot registered in custody the way manufacturing
// leaves one — a fresh DIN, harvested from a donor lot of umbilical cord
// tissue — so that a test can open a QC lot, prepare a dose or trace a
// patient from it without running a whole batch; and a dose bag formulated
// from such a lot the way dose registers one (for clinical and labels).
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

// A dose bag's ISBT 128 identification and where it comes from and goes.
struct DoseBag {
  std::string donation_identification;  // 001, "=" + DIN + flags
  std::string product_code;             // 003
  std::string expiration;               // 005
  std::string chain_of_identity;        // 040
  std::string subject_id;               // the patient
  std::string product_item_id;          // the product lot it is made from
  std::string location_id;              // where it is put ("": nowhere)
};

// Registers `bag` as `technician` as a DOSE_BAG formulated from its product
// lot, as dose's PrepareDose does; returns its item id, or "" after failing
// the calling test.
inline std::string RegisterDoseBag(Custody& custody,
                                   const auth::Principal& technician,
                                   const common::v1::RequestContext& context,
                                   const DoseBag& bag) {
  v1::RegisterItemRequest request;
  *request.mutable_context() = context;
  request.set_type(v1::ITEM_TYPE_DOSE_BAG);
  request.set_din(bag.donation_identification);
  request.set_product_code(bag.product_code);
  request.set_expiration(bag.expiration);
  request.set_chain_of_identity(bag.chain_of_identity);
  request.set_description("UC-MSC dose, 1e+07 viable cells in 20.0 ml");
  request.set_location_id(bag.location_id);
  request.set_patient_id(bag.subject_id);
  v1::ParentLink* from_lot = request.add_parents();
  from_lot->set_parent_item_id(bag.product_item_id);
  from_lot->set_kind(v1::DERIVATION_KIND_FORMULATION);
  auto item = custody.RegisterItem(technician, request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item().item_id() : "";
}

}  // namespace cellchain::custody::testing

#endif  // CELLCHAIN_SERVICES_CUSTODY_PRODUCT_LOT_TESTING_H_
