// Adverse events of an infused patient (signature PERFORMED), checked by
// rules.h CheckAdverseEvent — the onset between the infusion's start and
// now — and, for a serious one, the lookback (rules.h Lookback), recorded
// with the event in its transaction and in its audit record.
//
// The lookback's graph comes from custody's traces, read through ItemPort:
// the index lot's product lot traced backward gives its donor lot and the
// reagent lots manufacturing consumed for it (MATERIAL links to the
// culture vessels and the product lot); those, and the product lot itself,
// traced forward reach every dose bag made from them; the clinical
// schema's own infusions say which of those bags were infused, into whom,
// from which QC lot (custody knows the bag and its patient, not the dose
// record); each such lot is traced backward in turn for its donor lot and
// reagent lots. A QC lot's product lot is qc's (LotPort), checked against
// qc's signed record. Nothing here changes custody, so a retry is only
// RecordOnce's.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/clinical/clinical.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/crypto/random.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::clinical {
namespace {

// $1 event, $2 infusion, $3 subject, $4 lot, $5 term, $6 onset (µs),
// $7 seriousness, $8 severity, $9 relatedness, $10 outcome,
// $11 description, $12 by, $13 reported (µs), $14 lookback done.
constexpr char kInsertAdverseEvent[] =
    "INSERT INTO cellchain_clinical.adverse_events (adverse_event_id, "
    "infusion_id, subject_id, lot_id, term, onset_at, seriousness, severity, "
    "relatedness, outcome, description, reported_by, reported_at, "
    "lookback_done) VALUES ($1, $2, $3, $4, $5, "
    "'epoch'::timestamptz + $6::int8 * interval '1 microsecond', $7, $8, $9, "
    "$10, $11, $12, "
    "'epoch'::timestamptz + $13::int8 * interval '1 microsecond', $14)";
// $1 event, $2 position (from 1), $3 criterion.
constexpr char kInsertCriterion[] =
    "INSERT INTO cellchain_clinical.adverse_event_criteria (adverse_event_id, "
    "position, criterion) VALUES ($1, $2, $3)";
// $1 event, $2 position (from 1), $3 subject, $4 dose, $5 lot, $6 donor
// lot (NULL unless SAME_DONOR_LOT links them).
constexpr char kInsertLookbackPatient[] =
    "INSERT INTO cellchain_clinical.lookback_patients (adverse_event_id, "
    "position, subject_id, dose_id, lot_id, donor_lot_id) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
// $1 event, $2 position, $3 link.
constexpr char kInsertLookbackLink[] =
    "INSERT INTO cellchain_clinical.lookback_links (adverse_event_id, "
    "position, link) VALUES ($1, $2, $3)";
// $1 event, $2 position, $3 reagent lot (custody item id).
constexpr char kInsertLookbackReagent[] =
    "INSERT INTO cellchain_clinical.lookback_reagent_lots (adverse_event_id, "
    "position, reagent_lot_id) VALUES ($1, $2, $3)";

// Gathers the lookback graph of a serious event on `index` in `tx`.
class GraphGatherer {
 public:
  GraphGatherer(pg::Transaction& tx, LotPort& lots, ItemPort& items)
      : tx_(tx), lots_(lots), items_(items) {}

  // UNAVAILABLE and NOT_FOUND from qc and custody; FAILED_PRECONDITION
  // ENTITY_NOT_AUDITED for a QC lot that is not as qc signed it.
  absl::StatusOr<LookbackGraph> Gather(const v1::Infusion& index) {
    CC_ASSIGN_OR_RETURN(const Traced index_lot, Trace(index.lot_id()));
    // Everything made from the index lot's donor lot, its reagent lots or
    // the lot itself, down to the dose bags.
    std::set<std::string> roots(index_lot.trace.donor_lot_ids().begin(),
                                index_lot.trace.donor_lot_ids().end());
    roots.insert(index_lot.trace.reagent_lot_ids().begin(),
                 index_lot.trace.reagent_lot_ids().end());
    roots.insert(index_lot.product_item_id);
    std::set<std::string> bags;
    for (const std::string& root : roots) {
      custody::v1::TraceRequest request;
      request.set_item_id(root);
      CC_ASSIGN_OR_RETURN(custody::v1::TraceResponse forward,
                          items_.TraceForward(request));
      for (const custody::v1::PatientReached& p : forward.patients()) {
        bags.insert(p.item_id());
      }
    }
    CC_ASSIGN_OR_RETURN(std::vector<v1::Infusion> infused,
                        LoadInfusedOfItems(tx_, std::vector<std::string>(
                                                    bags.begin(), bags.end())));
    LookbackGraph graph;
    graph.lots.push_back(index_lot.node);
    std::set<std::string> traced = {index.lot_id()};
    for (const v1::Infusion& infusion : infused) {
      graph.administrations.push_back(
          {infusion.subject_id(), infusion.dose_id(), infusion.lot_id()});
      if (!traced.insert(infusion.lot_id()).second) continue;
      CC_ASSIGN_OR_RETURN(const Traced lot, Trace(infusion.lot_id()));
      graph.lots.push_back(lot.node);
    }
    return graph;
  }

 private:
  struct Traced {
    std::string product_item_id;
    custody::v1::TraceResponse trace;  // backward, from the product lot
    LotNode node;
  };

  // The QC lot `lot_id`'s product lot traced backward.
  absl::StatusOr<Traced> Trace(const std::string& lot_id) {
    CC_ASSIGN_OR_RETURN(qc::v1::Lot lot, lots_.GetLot(lot_id));
    CC_RETURN_IF_ERROR(
        ledger::RequireAudited(tx_, "qc_lot", lot.lot_id(), lot));
    Traced out;
    out.product_item_id = lot.product_item_id();
    custody::v1::TraceRequest request;
    request.set_item_id(lot.product_item_id());
    CC_ASSIGN_OR_RETURN(out.trace, items_.TraceBackward(request));
    out.node.lot_id = lot_id;
    // A batch, and so its product lot, comes from one donor lot
    // (manufacturing's Batch.donor_lot_id); the trace lists it sorted.
    if (!out.trace.donor_lot_ids().empty()) {
      out.node.donor_lot_id = out.trace.donor_lot_ids(0);
    }
    out.node.reagent_lot_ids.assign(out.trace.reagent_lot_ids().begin(),
                                    out.trace.reagent_lot_ids().end());
    return out;
  }

  pg::Transaction& tx_;
  LotPort& lots_;
  ItemPort& items_;
};

absl::Status InsertLookback(pg::Transaction& tx, const std::string& id,
                            const std::vector<v1::LookbackPatient>& found) {
  for (size_t i = 0; i < found.size(); ++i) {
    const v1::LookbackPatient& p = found[i];
    const int position = static_cast<int>(i + 1);
    CC_RETURN_IF_ERROR(
        tx.Exec(kInsertLookbackPatient,
                {id, position, p.subject_id(), p.dose_id(), p.lot_id(),
                 p.donor_lot_id().empty() ? pg::Param::Null()
                                          : pg::Param(p.donor_lot_id())})
            .status());
    for (int link : p.links()) {
      CC_RETURN_IF_ERROR(
          tx.Exec(kInsertLookbackLink, {id, position, link}).status());
    }
    for (const std::string& reagent : p.reagent_lot_ids()) {
      CC_RETURN_IF_ERROR(
          tx.Exec(kInsertLookbackReagent, {id, position, reagent}).status());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ReportAdverseEventResponse> Clinical::ReportAdverseEvent(
    const P& caller, const v1::ReportAdverseEventRequest& request) {
  if (request.infusion_id().empty()) {
    return InvalidField("infusion_id", "required");
  }
  const absl::Time now = clock_->Now();
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "ReportAdverseEvent", request_id));
  return ledger::RecordOnce<v1::ReportAdverseEventResponse>(
      *pool_, *ledger_, {kServiceName, "ReportAdverseEvent", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::ReportAdverseEventResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Infusion infusion,
                            LoadInfusion(tx, request.infusion_id()));
        CC_RETURN_IF_ERROR(
            RequireInfusionState(infusion, {v1::INFUSION_STATE_INFUSED},
                                 "an adverse event follows an infusion"));
        CC_RETURN_IF_ERROR(CheckAdverseEvent(
            request, fields::ToTime(infusion.details().started_at()), now));
        v1::AdverseEvent event;
        event.set_seriousness(request.seriousness());
        const bool looks_back = NeedsLookback(event);
        std::vector<v1::LookbackPatient> found;
        if (looks_back) {
          CC_ASSIGN_OR_RETURN(
              const LookbackGraph graph,
              GraphGatherer(tx, *lots_, *items_).Gather(infusion));
          CC_ASSIGN_OR_RETURN(
              found, Lookback(graph, infusion.lot_id(), infusion.subject_id()));
        }
        const std::string id = crypto::RandomId("ae");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertAdverseEvent,
                    {id, infusion.infusion_id(), infusion.subject_id(),
                     infusion.lot_id(), request.term(),
                     absl::ToUnixMicros(fields::ToTime(request.onset_at())),
                     static_cast<int>(request.seriousness()),
                     static_cast<int>(request.severity()),
                     static_cast<int>(request.relatedness()),
                     static_cast<int>(request.outcome()), request.description(),
                     signature.actor.user_id(), absl::ToUnixMicros(now),
                     looks_back})
                .status());
        for (int i = 0; i < request.criteria_size(); ++i) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kInsertCriterion,
                      {id, i + 1, static_cast<int>(request.criteria(i))})
                  .status());
        }
        CC_RETURN_IF_ERROR(InsertLookback(tx, id, found));
        CC_ASSIGN_OR_RETURN(*response.mutable_adverse_event(),
                            LoadAdverseEvent(tx, id));
        // A serious event's lookback is named in the record's reason,
        // where QA's review of the audit trail finds it.
        return audit
            .Append("adverse_event.report", "adverse_event", id,
                    response.adverse_event(),
                    looks_back
                        ? absl::StrCat("serious adverse event: the "
                                       "lookback found ",
                                       found.size(),
                                       found.size() == 1 ? " other patient"
                                                         : " other patients")
                        : "",
                    IdentifiersOf(infusion), signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::clinical
