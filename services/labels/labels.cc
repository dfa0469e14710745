// Labels: construction, the state readers, and what every RPC group shares
// (labels_internal.h): the facts a label is decided from, gathered from the
// ports.
#include "services/labels/labels.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/labels/labels_internal.h"
#include "services/labels/store.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/recorder.h"

namespace cellchain::labels {

std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(
    const v1::PrintJob& job) {
  return {ledger::DinIdentifier(job.din())};
}

Labels::Labels(pg::Pool* pool, const ledger::Ledger* ledger,
               auth::SignatureAuthority* signatures, ItemPort* items,
               DosePort* doses, ProcessPort* process, LabelsOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      items_(items),
      doses_(doses),
      process_(process),
      options_(std::move(options)) {}

absl::Status Labels::RegisterStateReaders(ledger::StateRegistry& registry) {
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::PrintJob>(
      registry, "label_job",
      [](pg::Connection& c, const std::string& id) { return LoadJob(c, id); },
      ledger::IdsFrom(kSelectJobIds)));
  return ledger::RegisterProtoReader<v1::LabelVerification>(
      registry, "label_verification",
      [](pg::Connection& c, const std::string& id) {
        return LoadVerification(c, id);
      },
      ledger::IdsFrom(kSelectVerificationIds));
}

absl::StatusOr<v1::Label> Labels::Decide(const std::string& item_id,
                                         LabelFacts& facts) {
  custody::v1::GetItemRequest get;
  get.set_item_id(item_id);
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse held, items_->GetItem(get));
  facts = LabelFacts();
  facts.item = held.item();
  switch (facts.item.type()) {
    case custody::v1::ITEM_TYPE_DOSE_BAG: {
      CC_ASSIGN_OR_RETURN(facts.dose, doses_->GetDoseOfItem(item_id));
      CC_ASSIGN_OR_RETURN(facts.patient,
                          doses_->GetPatient(facts.dose->subject_id()));
      break;
    }
    case custody::v1::ITEM_TYPE_TISSUE_CONTAINER:
    case custody::v1::ITEM_TYPE_CRYOVIAL:
      if (process_ != nullptr) {
        CC_ASSIGN_OR_RETURN(facts.collected_at,
                            process_->CollectedAt(facts.item));
        if (facts.item.type() == custody::v1::ITEM_TYPE_CRYOVIAL) {
          CC_ASSIGN_OR_RETURN(facts.vial_cells,
                              process_->VialCells(facts.item));
        }
      }
      break;
    default:
      break;
  }
  return DecideLabel(facts, options_.content);
}

absl::StatusOr<v1::Label> Labels::DecideToPrint(pg::Transaction& tx,
                                                const std::string& item_id) {
  LabelFacts facts;
  CC_ASSIGN_OR_RETURN(v1::Label label, Decide(item_id, facts));
  switch (facts.item.state()) {
    case custody::v1::ITEM_STATE_CONSUMED:
    case custody::v1::ITEM_STATE_INFUSED:
    case custody::v1::ITEM_STATE_DISCARDED:
      return FailedRule(
          kReasonItemEnded,
          absl::StrCat("item ", item_id, " is ",
                       custody::v1::ItemState_Name(facts.item.state()),
                       ": no label is printed for it"));
    default:
      break;
  }
  if (facts.dose.has_value()) {
    CC_RETURN_IF_ERROR(
        ledger::RequireAudited(tx, "dose", facts.dose->dose_id(), *facts.dose));
  }
  if (facts.patient.has_value()) {
    CC_RETURN_IF_ERROR(ledger::RequireAudited(
        tx, "dose_patient", facts.patient->subject_id(), *facts.patient));
  }
  return label;
}

}  // namespace cellchain::labels
