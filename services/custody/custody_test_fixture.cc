#include "services/custody/custody_test_fixture.h"

#include <utility>

#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::custody {

void CustodyTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("custody"));
  // A deployment where one person may hold technician and qa:
  // segregation of duties must hold per signature.
  StartIdentity(SigningIdentityOptions(), /*pool_size=*/2);
  if (HasFatalFailure()) return;
  CC_ASSERT_OK(Custody::RegisterStateReaders(registry_));
  custody_ = std::make_unique<Custody>(pool_.get(), ledger_.get(),
                                       identity_.get(), ledger::RealClock(),
                                       CustodyOptions{.max_recall_items = 500});
}

absl::StatusOr<v1::Item> CustodyTest::Register(
    const auth::Principal& who, v1::ItemType type, const std::string& code,
    std::vector<std::pair<std::string, v1::DerivationKind>> parents,
    const std::string& location, const std::string& patient) {
  v1::RegisterItemRequest request;
  *request.mutable_context() = Ctx();
  request.set_type(type);
  request.set_local_code(code);
  request.set_location_id(location);
  request.set_patient_id(patient);
  for (const auto& [id, kind] : parents) {
    v1::ParentLink* link = request.add_parents();
    link->set_parent_item_id(id);
    link->set_kind(kind);
  }
  CC_ASSIGN_OR_RETURN(v1::RegisterItemResponse response,
                      custody_->RegisterItem(who, request));
  return response.item();
}

absl::StatusOr<v1::Location> CustodyTest::Place(v1::LocationKind kind,
                                                const std::string& name,
                                                const std::string& parent) {
  v1::CreateLocationRequest request;
  *request.mutable_context() = Ctx();
  request.set_kind(kind);
  request.set_name(name);
  request.set_parent_location_id(parent);
  CC_ASSIGN_OR_RETURN(v1::CreateLocationResponse response,
                      custody_->CreateLocation(qa_desk_, request));
  return response.location();
}

absl::StatusOr<v1::InitiateHandoffResponse> CustodyTest::Handoff(
    const auth::Principal& who, const std::string& item,
    const std::string& to_user, const std::string& to_location) {
  v1::InitiateHandoffRequest request;
  *request.mutable_context() = Ctx();
  request.set_item_id(item);
  request.set_to_user_id(to_user);
  request.set_to_location_id(to_location);
  request.set_condition("cool box, 4 °C");
  request.set_seal_intact(true);
  return custody_->InitiateHandoff(who, request);
}

absl::StatusOr<v1::AcceptHandoffResponse> CustodyTest::Accept(
    const auth::Principal& who, const std::string& handoff,
    const std::string& scan, bool seal_intact) {
  v1::AcceptHandoffRequest request;
  *request.mutable_context() = Ctx();
  request.set_handoff_id(handoff);
  request.set_scan(scan);
  request.set_condition("received cold");
  request.set_seal_intact(seal_intact);
  return custody_->AcceptHandoff(who, request);
}

absl::StatusOr<v1::PlaceHoldResponse> CustodyTest::Hold(
    const std::string& item, const std::string& reason) {
  v1::PlaceHoldRequest request;
  *request.mutable_context() = Ctx(reason);
  request.set_item_id(item);
  return custody_->PlaceHold(tech_, request);
}

absl::StatusOr<v1::Item> CustodyTest::Get(const std::string& id) {
  v1::GetItemRequest request;
  request.set_item_id(id);
  CC_ASSIGN_OR_RETURN(v1::GetItemResponse response, custody_->GetItem(request));
  return response.item();
}

absl::StatusOr<CustodyTest::Chain> CustodyTest::MakeChain(
    const std::string& tag, const std::string& patient) {
  Chain c;
  CC_ASSIGN_OR_RETURN(c.medium,
                      Register(tech_, v1::ITEM_TYPE_REAGENT_LOT, "MED-" + tag));
  CC_ASSIGN_OR_RETURN(c.trypsin,
                      Register(tech_, v1::ITEM_TYPE_REAGENT_LOT, "TRY-" + tag));
  CC_ASSIGN_OR_RETURN(c.cabinet,
                      Register(tech_, v1::ITEM_TYPE_EQUIPMENT, "BSC-" + tag));
  CC_ASSIGN_OR_RETURN(c.donor,
                      Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-" + tag));
  CC_ASSIGN_OR_RETURN(
      c.tissue, Register(tech_, v1::ITEM_TYPE_TISSUE_CONTAINER, "TIS-" + tag,
                         {{c.donor.item_id(), v1::DERIVATION_KIND_SPLIT}}));
  CC_ASSIGN_OR_RETURN(
      c.p0, Register(tech2_, v1::ITEM_TYPE_CULTURE_VESSEL, "P0-" + tag,
                     {{c.tissue.item_id(), v1::DERIVATION_KIND_PROCESSING},
                      {c.medium.item_id(), v1::DERIVATION_KIND_MATERIAL},
                      {c.cabinet.item_id(), v1::DERIVATION_KIND_EQUIPMENT}}));
  CC_ASSIGN_OR_RETURN(
      c.p1, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "P1-" + tag,
                     {{c.p0.item_id(), v1::DERIVATION_KIND_PASSAGE},
                      {c.trypsin.item_id(), v1::DERIVATION_KIND_MATERIAL}}));
  CC_ASSIGN_OR_RETURN(
      c.lot, Register(tech_, v1::ITEM_TYPE_PRODUCT_LOT, "PL-" + tag,
                      {{c.p1.item_id(), v1::DERIVATION_KIND_HARVEST}}));
  CC_ASSIGN_OR_RETURN(
      c.sample, Register(analyst_, v1::ITEM_TYPE_QC_SAMPLE, "QC-" + tag,
                         {{c.lot.item_id(), v1::DERIVATION_KIND_SAMPLE}}));
  CC_ASSIGN_OR_RETURN(
      c.vial,
      Register(tech_, v1::ITEM_TYPE_CRYOVIAL, "VIAL-" + tag,
               {{c.lot.item_id(), v1::DERIVATION_KIND_CRYOPRESERVATION}}));
  CC_ASSIGN_OR_RETURN(
      c.thawed, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "THAW-" + tag,
                         {{c.vial.item_id(), v1::DERIVATION_KIND_THAW}}));
  CC_ASSIGN_OR_RETURN(
      c.dose, Register(tech_, v1::ITEM_TYPE_DOSE_BAG, "DOSE-" + tag,
                       {{c.thawed.item_id(), v1::DERIVATION_KIND_FORMULATION}},
                       "", patient));
  return c;
}

}  // namespace cellchain::custody
