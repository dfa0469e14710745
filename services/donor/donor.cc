// The donor service's construction, its state readers, and what its RPC
// files share (donor_internal.h). The RPCs are in donors.cc, consent.cc,
// screening.cc and lots.cc; the SQL in store.cc; the pure rules in
// intake_values.cc, intake_rules.cc and eligibility.cc.
#include "services/donor/donor.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/status/status.h"
#include "services/donor/donor_internal.h"
#include "services/donor/store.h"

namespace cellchain::donor {

absl::StatusOr<v1::Donor> AppendDonor(ledger::Recorder& audit,
                                      std::string action,
                                      const std::string& code,
                                      std::string reason) {
  CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(audit.tx(), code));
  CC_RETURN_IF_ERROR(
      audit.Append(std::move(action), "donor", code, donor, std::move(reason))
          .status());
  return donor;
}

absl::StatusOr<v1::DonorLot> AppendLot(
    ledger::Recorder& audit, std::string action, const std::string& lot_id,
    std::string reason,
    std::optional<common::v1::SignatureManifestation> signature) {
  CC_ASSIGN_OR_RETURN(v1::DonorLot lot, LoadLot(audit.tx(), lot_id));
  CC_RETURN_IF_ERROR(audit
                         .Append(std::move(action), "donor_lot", lot_id, lot,
                                 std::move(reason),
                                 {ledger::DinIdentifier(lot.din())},
                                 std::move(signature))
                         .status());
  return lot;
}

absl::Status CheckIntakeIndependence(pg::Transaction& tx,
                                     const std::string& signer_user_id,
                                     const std::string& code,
                                     const std::string& lot_id) {
  std::vector<common::v1::EntityRef> entities;
  common::v1::EntityRef donor;
  donor.set_type("donor");
  donor.set_id(code);
  entities.push_back(std::move(donor));
  CC_ASSIGN_OR_RETURN(std::vector<common::v1::EntityRef> intake,
                      IntakeEntities(tx, code, lot_id));
  for (common::v1::EntityRef& entity : intake) {
    entities.push_back(std::move(entity));
  }
  return auth::CheckSegregationOfDuties(tx, signer_user_id, entities,
                                        {"donor.identifying_viewed"});
}

bool IsReason(const absl::Status& status, std::string_view reason) {
  return ReasonOf(status) == reason;
}

Donors::Donors(pg::Pool* pool, const ledger::Ledger* ledger,
               const crypto::FieldCipher* cipher,
               auth::SignatureAuthority* signatures,
               custody::CustodyPort* custody, DonorOptions options,
               ledger::Clock* clock)
    : pool_(pool),
      ledger_(ledger),
      cipher_(cipher),
      signatures_(signatures),
      custody_(custody),
      options_(std::move(options)),
      clock_(clock != nullptr ? clock : ledger::RealClock()) {}

absl::Status Donors::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Donor>(
      registry, "donor", [](C& c, Id id) { return LoadDonor(c, id); },
      ledger::IdsFrom(kSelectDonorCodes)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Consent>(
      registry, "consent", [](C& c, Id id) { return LoadConsent(c, id); },
      ledger::IdsFrom(kSelectConsentIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Screening>(
      registry, "screening", [](C& c, Id id) { return LoadScreening(c, id); },
      ledger::IdsFrom(kSelectScreeningIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Determination>(
      registry, "determination",
      [](C& c, Id id) { return LoadDetermination(c, id); },
      ledger::IdsFrom(kSelectDeterminationIds)));
  return ledger::RegisterProtoReader<v1::DonorLot>(
      registry, "donor_lot", [](C& c, Id id) { return LoadLot(c, id); },
      ledger::IdsFrom(kSelectLotIds));
}

}  // namespace cellchain::donor
