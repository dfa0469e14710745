// Clinical: construction, the state reader, and the helpers every RPC group
// shares (clinical_internal.h). The RPCs are in cath_lab.cc, bedside.cc,
// infusion.cc, unused.cc, observation.cc, adverse_events.cc and queries.cc.
#include "services/clinical/clinical.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::clinical {

std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(
    const v1::Infusion& infusion) {
  audit::v1::Isbt128Identifier coi;
  coi.set_kind("chain_of_identity");
  coi.set_value(infusion.chain_of_identity());
  return {coi};
}

absl::Status RequireInfusionState(
    const v1::Infusion& infusion,
    std::initializer_list<v1::InfusionState> states, std::string_view why) {
  for (v1::InfusionState state : states) {
    if (infusion.state() == state) return absl::OkStatus();
  }
  return FailedRule(kReasonInfusionState,
                    absl::StrCat("infusion ", infusion.infusion_id(), " is ",
                                 v1::InfusionState_Name(infusion.state()), ": ",
                                 ToAbsl(why)));
}

Clinical::Clinical(pg::Pool* pool, const ledger::Ledger* ledger,
                   auth::SignatureAuthority* signatures, DosePort* doses,
                   LotPort* lots, ItemPort* items, ClinicalOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      doses_(doses),
      lots_(lots),
      items_(items),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : ledger::RealClock()) {
}

absl::Status Clinical::RegisterStateReaders(ledger::StateRegistry& registry) {
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Infusion>(
      registry, "infusion",
      [](pg::Connection& c, const std::string& id) {
        return LoadInfusion(c, id);
      },
      ledger::IdsFrom(kSelectInfusionIds)));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Observation>(
      registry, "observation",
      [](pg::Connection& c, const std::string& id) {
        return LoadObservation(c, id);
      },
      ledger::IdsFrom(kSelectObservationIds)));
  return ledger::RegisterProtoReader<v1::AdverseEvent>(
      registry, "adverse_event",
      [](pg::Connection& c, const std::string& id) {
        return LoadAdverseEvent(c, id);
      },
      ledger::IdsFrom(kSelectAdverseEventIds));
}

}  // namespace cellchain::clinical
