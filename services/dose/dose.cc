// Dose: construction, the state readers, and the helpers every RPC group
// shares (dose_internal.h), and GetDoseOfItem. The RPCs are in patients.cc,
// orders.cc, preparation.cc, release.cc and pharmacy.cc.
#include "services/dose/dose.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/record_read.h"
#include "services/ledger/recorder.h"

namespace cellchain::dose {
namespace {

// Every id of each entity a state reader reads (ledger::IdsFrom).
constexpr char kSelectPatientIds[] =
    "SELECT subject_id FROM cellchain_dose.patients";
constexpr char kSelectOrderIds[] = "SELECT order_id FROM cellchain_dose.orders";
constexpr char kSelectDoseIds[] = "SELECT dose_id FROM cellchain_dose.doses";

audit::v1::Isbt128Identifier Identifier(const char* kind,
                                        const std::string& value) {
  audit::v1::Isbt128Identifier id;
  id.set_kind(kind);
  id.set_value(value);
  return id;
}

}  // namespace

std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(const v1::Dose& dose) {
  return {ledger::DinIdentifier(dose.din()),
          Identifier("product_code", dose.product_code()),
          Identifier("expiration", dose.expiration()),
          Identifier("chain_of_identity", dose.chain_of_identity())};
}

absl::StatusOr<v1::Dose> RecordDose(
    ledger::Recorder& audit, std::string action, const v1::Dose& identifying,
    std::string reason,
    std::optional<common::v1::SignatureManifestation> signature) {
  const std::string& id = identifying.dose_id();
  return ledger::RecordRead<v1::Dose>(
      audit,
      {.action = std::move(action),
       .entity_type = "dose",
       .entity_id = id,
       .reason = std::move(reason),
       .isbt128 = IdentifiersOf(identifying),
       .signature = std::move(signature)},
      DoseRead(id), [&](const pg::Result& r) { return DoseFromRead(r, id); });
}

std::string IdentifyingContext(std::string_view subject_id,
                               std::string_view field) {
  return absl::StrCat("patient/", std::string(subject_id), "/",
                      std::string(field));
}

Dose::Dose(pg::Pool* pool, const ledger::Ledger* ledger,
           const crypto::FieldCipher* cipher,
           auth::SignatureAuthority* signatures, LotPort* lots,
           MaterialPort* materials, ItemPort* items, DoseOptions options)
    : pool_(pool),
      ledger_(ledger),
      cipher_(cipher),
      signatures_(signatures),
      lots_(lots),
      materials_(materials),
      items_(items),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : ledger::RealClock()) {
}

absl::Status Dose::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Patient>(
      registry, "dose_patient", [](C& c, Id id) { return LoadPatient(c, id); },
      ledger::IdsFrom(kSelectPatientIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Order>(
      registry, "dose_order", [](C& c, Id id) { return LoadOrder(c, id); },
      ledger::IdsFrom(kSelectOrderIds)));
  return ledger::RegisterProtoReader<v1::Dose>(
      registry, "dose", [](C& c, Id id) { return LoadDose(c, id); },
      ledger::IdsFrom(kSelectDoseIds));
}

absl::StatusOr<v1::Dose> Dose::GetDoseOfItem(const std::string& item_id) {
  if (item_id.empty()) return InvalidField("item_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  return LoadDoseOfItem(*lease, item_id);
}

}  // namespace cellchain::dose
