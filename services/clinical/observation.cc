// The 5-day safety observation: a clinician records one day's structured
// entries for an infused patient (signature PERFORMED), checked by rules.h
// CheckObservation against the infusion's start — day 1 is its calendar day
// in the site's time zone — and kept as rows a reader can query (one per
// finding, its kind the oneof's field number).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/clinical/clinical.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/crypto/random.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::clinical {
namespace {

// $1 observation, $2 infusion, $3 subject, $4 day, $5 observed (µs),
// $6 by.
constexpr char kInsertObservation[] =
    "INSERT INTO cellchain_clinical.observations (observation_id, "
    "infusion_id, subject_id, day, observed_at, recorded_by, recorded_at) "
    "VALUES ($1, $2, $3, $4, 'epoch'::timestamptz + $5::int8 * "
    "interval '1 microsecond', $6, now())";
// $1 observation, $2 position, $3 finding (the oneof's field number),
// $4-$15 the finding's columns, NULL for the others'.
constexpr char kInsertEntry[] =
    "INSERT INTO cellchain_clinical.observation_entries (observation_id, "
    "position, finding, st_deviation_mm, leads, arrhythmia_type, episodes, "
    "ischemic_event_type, description, analyte, value, unit, "
    "local_hypokinesia, segment, icu_hours) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15)";

pg::Params EntryParams(const std::string& observation_id, int position,
                       const v1::ObservationEntry& e) {
  const pg::Param null = pg::Param::Null();
  pg::Params p = {observation_id, position, static_cast<int>(e.finding_case())};
  std::vector<pg::Param> rest(12, null);
  switch (e.finding_case()) {
    case v1::ObservationEntry::kEcg: {
      rest[0] = e.ecg().st_deviation_mm();
      // Leads are names of the 12-lead ECG (checked): no commas.
      std::vector<std::string> leads(e.ecg().leads().begin(),
                                     e.ecg().leads().end());
      rest[1] = absl::StrJoin(leads, ",");
      break;
    }
    case v1::ObservationEntry::kArrhythmia:
      rest[2] = static_cast<int>(e.arrhythmia().type());
      rest[3] = e.arrhythmia().episodes();
      break;
    case v1::ObservationEntry::kIschemicEvent:
      rest[4] = static_cast<int>(e.ischemic_event().type());
      rest[5] = e.ischemic_event().description();
      break;
    case v1::ObservationEntry::kLab:
      rest[6] = e.lab().analyte();
      rest[7] = e.lab().value();
      rest[8] = e.lab().unit();
      break;
    case v1::ObservationEntry::kEcho:
      rest[9] = e.echo().local_hypokinesia();
      rest[10] = e.echo().segment();
      break;
    case v1::ObservationEntry::kIcuStay:
      rest[11] = e.icu_stay().hours();
      break;
    case v1::ObservationEntry::FINDING_NOT_SET:
      break;
  }
  for (pg::Param& param : rest) p.Add(std::move(param));
  return p;
}

}  // namespace

absl::StatusOr<v1::RecordObservationResponse> Clinical::RecordObservation(
    const P& caller, const v1::RecordObservationRequest& request) {
  if (request.infusion_id().empty()) {
    return InvalidField("infusion_id", "required");
  }
  const absl::Time now = clock_->Now();
  CC_RETURN_IF_ERROR(fields::RequirePastTime(
      request.observed_at(), request.has_observed_at(), "observed_at", now));
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "RecordObservation", request_id));
  const std::vector<v1::ObservationEntry> entries(request.entries().begin(),
                                                  request.entries().end());
  return ledger::RecordOnce<v1::RecordObservationResponse>(
      *pool_, *ledger_, {kServiceName, "RecordObservation", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::RecordObservationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Infusion infusion,
                            LoadInfusion(tx, request.infusion_id()));
        CC_RETURN_IF_ERROR(
            RequireInfusionState(infusion, {v1::INFUSION_STATE_INFUSED},
                                 "an observation follows an infusion"));
        const absl::Time observed_at = fields::ToTime(request.observed_at());
        CC_RETURN_IF_ERROR(
            CheckObservation(request.day(), observed_at, entries,
                             fields::ToTime(infusion.details().started_at()),
                             now, options_.rules));
        const std::string id = crypto::RandomId("obs");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertObservation,
                    {id, infusion.infusion_id(), infusion.subject_id(),
                     request.day(), absl::ToUnixMicros(observed_at),
                     signature.actor.user_id()})
                .status());
        for (size_t i = 0; i < entries.size(); ++i) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kInsertEntry,
                      EntryParams(id, static_cast<int>(i + 1), entries[i]))
                  .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_observation(),
                            LoadObservation(tx, id));
        return audit
            .Append("observation.record", "observation", id,
                    response.observation(), "", IdentifiersOf(infusion),
                    signature.manifestation)
            .status();
      });
}

}  // namespace cellchain::clinical
