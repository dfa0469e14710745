// Results: an analyst's result (PERFORMED) judged at once — OOS opens an
// investigation, and a late OOS of a test left pending at a conditional
// release rejects the lot, also one QA put on hold since — a retest as a
// further result with QA's approval, a second analyst's review (REVIEWED; a
// late pass closes a conditional release), and QA's invalidation. A result
// is never changed but to be reviewed or invalidated; every one stays
// readable.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/ledger/record_read.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// $1 id, $2 lot, $3 sample, $4 test, $5 value, $6 unit, $7 conformance
// (v1.Conformance), $8 criterion, $9 retest of (or NULL), $10 its reason
// (or NULL), $11 QA's approval (or NULL), $12 tested at (µs), $13
// performed by, $14 investigation (or NULL), $15 instrument.
std::string InsertResult() {
  return absl::StrCat(
      "INSERT INTO cellchain_qc.results (result_id, lot_id, sample_id, "
      "test_code, value, unit, conformance, criterion, retest_of_result_id, "
      "retest_reason, retest_approved_by, tested_at, performed_by, "
      "performed_at, investigation_id, instrument, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ",
      fields::TimestampParam(12), ", $13, now(), $14, $15, clock_timestamp())");
}

// $1 id, $2 lot, $3 result, $4 test, $5 status (OPEN).
constexpr char kInsertInvestigation[] =
    "INSERT INTO cellchain_qc.investigations (investigation_id, lot_id, "
    "result_id, test_code, status, opened_at) "
    "VALUES ($1, $2, $3, $4, $5, now())";

// A conditional release's pending tests all came in and passed: $1 lot,
// $2 RELEASED. QA's disposition (who, when, why) stays as signed.
constexpr char kUpdateConditionClosed[] =
    "UPDATE cellchain_qc.lots SET state = $2, conditions_closed_at = now(), "
    "version = version + 1 WHERE lot_id = $1";

// $1 result, $2 reviewed by.
constexpr char kUpdateReviewed[] =
    "UPDATE cellchain_qc.results SET reviewed_by = $2, reviewed_at = now(), "
    "version = version + 1 WHERE result_id = $1";

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& values,
              const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

absl::StatusOr<v1::EnterResultResponse> Qc::EnterResult(
    const P& caller, const v1::EnterResultRequest& request) {
  if (request.sample_id().empty()) return InvalidField("sample_id", "required");
  if (request.test_code().empty()) return InvalidField("test_code", "required");
  CC_RETURN_IF_ERROR(fields::RequireText(request.value(), "value", 100));
  if (request.unit().size() > 32) {
    return InvalidField("unit", "at most 32 characters");
  }
  if (request.instrument().size() > 200) {
    return InvalidField("instrument", "at most 200 characters");
  }
  CC_RETURN_IF_ERROR(fields::RequirePastTime(request.tested_at(),
                                             request.has_tested_at(),
                                             "tested_at", clock_->Now()));
  const bool retest = !request.retest_of_result_id().empty();
  if (retest) {
    CC_RETURN_IF_ERROR(
        fields::RequireText(request.context().reason(), "context.reason"));
    if (!request.has_qa_approval()) {
      return InvalidField("qa_approval",
                          "required: a retest needs QA's approval");
    }
  } else if (request.has_qa_approval()) {
    return InvalidField("qa_approval",
                        "only a retest (retest_of_result_id) takes QA's "
                        "approval");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));

  // What the request itself decides, before any password is checked: the
  // sample, its lot's specification (read in one round trip), the
  // judgement of the value.
  v1::Lot lot;
  v1::SpecTest test;
  v1::Conformance conformance = v1::CONFORMANCE_UNSPECIFIED;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(SampleOfLot read,
                        LoadSampleOfLot(*lease, request.sample_id()));
    const v1::Sample& sample = read.sample;
    const v1::Specification& spec = read.spec;
    lot = std::move(read.lot);
    const v1::SpecTest* found = FindTest(spec, request.test_code());
    if (found == nullptr) {
      return FailedRule(kReasonUnknownTest,
                        absl::StrCat("\"", request.test_code(),
                                     "\" is not a test of specification ",
                                     spec.name(), " version ", spec.version()));
    }
    test = *found;
    if (!Contains(sample.test_codes(), test.code())) {
      return FailedRule(
          kReasonTestNotOnSample,
          absl::StrCat("sample ", sample.sample_id(), " was drawn for ",
                       absl::StrJoin(sample.test_codes(), ", "), ", not for ",
                       test.name()));
    }
    CC_ASSIGN_OR_RETURN(conformance,
                        Judge(test, request.value(), request.unit()));
  }
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "EnterResult", request_id));
  std::optional<auth::Signature> approval;
  if (retest) {
    CC_ASSIGN_OR_RETURN(
        approval,
        auth::CoSign(*signatures_, caller, request.qa_approval(),
                     {common::v1::ROLE_QA},
                     {common::v1::SIGNATURE_MEANING_APPROVED},
                     {.method = absl::StrCat("/", kServiceName, "/EnterResult"),
                      .workstation = caller.workstation,
                      .request_id = request_id},
                     "qa_approval"));
  }
  // A late result out of specification on a conditionally released lot
  // rejects it: its doses are held before the rejection is recorded.
  const bool oos = conformance == v1::CONFORMANCE_OUT_OF_SPECIFICATION;
  const std::string late_reason = absl::StrCat(
      test.name(),
      " came in out of specification after the conditional release: ",
      request.value(), request.unit().empty() ? "" : " ", request.unit(), " (",
      test.criterion(), ")");
  std::optional<Recalled> recalled;
  if (EffectOfResult(lot, test.code(), conformance) == LotEffect::kReject) {
    CC_ASSIGN_OR_RETURN(
        recalled,
        RecallProduct(caller, request_id, lot.product_item_id(), late_reason));
  }
  return ledger::RecordOnce<v1::EnterResultResponse>(
      *pool_, *ledger_, {kServiceName, "EnterResult", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::EnterResultResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // The lot locked, and its results read after the lock is granted,
        // in one round trip.
        const pg::Statement reads[] = {
            LotRead(lot.lot_id(), /*for_update=*/true),
            ResultsOfLotRead(lot.lot_id())};
        CC_ASSIGN_OR_RETURN(std::vector<pg::Result> read,
                            tx.ExecPipeline(reads));
        CC_ASSIGN_OR_RETURN(v1::Lot locked, LotFromRead(read[0], lot.lot_id()));
        CC_RETURN_IF_ERROR(CheckTakesResult(locked, test.code()));
        const bool rejects = EffectOfResult(locked, test.code(), conformance) ==
                             LotEffect::kReject;
        if (rejects && !recalled.has_value()) {
          // Conditionally released since this request looked.
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "lot ", locked.lot_id(),
                  " was conditionally released meanwhile: send the result "
                  "again (same request id)")),
              kReasonLotVersion);
        }
        CC_ASSIGN_OR_RETURN(std::vector<v1::Result> earlier,
                            ResultsFromRead(read[1]));
        std::vector<std::string> valid;
        const v1::Result* of = nullptr;
        for (const v1::Result& r : earlier) {
          if (r.test_code() != test.code()) continue;
          if (!r.invalidated()) valid.push_back(r.result_id());
          if (r.result_id() == request.retest_of_result_id()) of = &r;
        }
        if (retest) {
          if (of == nullptr) {
            return InvalidField("retest_of_result_id",
                                absl::StrCat("not a result of ", test.name(),
                                             " of lot ", locked.lot_id()));
          }
          if (of->invalidated()) {
            return FailedRule(
                kReasonRetestOfInvalid,
                absl::StrCat("result ", of->result_id(),
                             " is invalidated: enter a new result, not a "
                             "retest of it"));
          }
        } else if (!valid.empty()) {
          return FailedRule(
              kReasonRetestRequired,
              absl::StrCat(test.name(), " has a valid result (",
                           absl::StrJoin(valid, ", "),
                           "): a further result is a retest — name the "
                           "result retested, give the reason and QA's "
                           "approval"));
        }
        const std::string id = crypto::RandomId("res");
        const std::string investigation_id =
            oos ? crypto::RandomId("inv") : std::string();
        // The INSERTs travel with the next round trip (the first record's),
        // before its reads.
        tx.Defer({InsertResult(),
                  {id, locked.lot_id(), request.sample_id(), test.code(),
                   request.value(), request.unit(),
                   static_cast<int>(conformance), test.criterion(),
                   retest ? pg::Param(request.retest_of_result_id())
                          : pg::Param::Null(),
                   retest ? pg::Param(request.context().reason())
                          : pg::Param::Null(),
                   approval ? pg::Param(approval->actor.user_id())
                            : pg::Param::Null(),
                   fields::Micros(request.tested_at()),
                   signature.actor.user_id(),
                   oos ? pg::Param(investigation_id) : pg::Param::Null(),
                   request.instrument()}});
        const std::vector<audit::v1::Isbt128Identifier> din = {DinOf(locked)};
        if (oos) {
          tx.Defer({kInsertInvestigation,
                    {investigation_id, locked.lot_id(), id, test.code(),
                     static_cast<int>(v1::INVESTIGATION_STATUS_OPEN)}});
          CC_ASSIGN_OR_RETURN(
              *response.mutable_investigation(),
              ledger::RecordRead<v1::Investigation>(
                  audit,
                  {.action = "investigation.open",
                   .entity_type = "qc_investigation",
                   .entity_id = investigation_id,
                   .reason = absl::StrCat(test.name(),
                                          " out of specification: ",
                                          request.value(), " (",
                                          test.criterion(), ")"),
                   .isbt128 = din},
                  InvestigationRead(investigation_id),
                  [&](const pg::Result& r) {
                    return InvestigationFromRead(r, investigation_id);
                  }));
        }
        if (rejects) {
          CC_ASSIGN_OR_RETURN(
              *response.mutable_lookback(),
              RecordLookback(audit, locked, *recalled, id, late_reason,
                             signature.actor.user_id()));
          tx.Defer({kUpdateLotDisposition,
                    {locked.lot_id(), static_cast<int>(v1::LOT_STATE_REJECTED),
                     signature.actor.user_id(), late_reason,
                     pg::TextArray(std::vector<std::string>(
                         locked.pending_test_codes().begin(),
                         locked.pending_test_codes().end())),
                     false, id}});
          const std::string lot_id = locked.lot_id();
          CC_ASSIGN_OR_RETURN(locked,
                              RecordLot(audit, "lot.reject_automatic", lot_id,
                                        DinOf(locked), late_reason));
        }
        *response.mutable_lot() = locked;
        CC_ASSIGN_OR_RETURN(
            *response.mutable_result(),
            ledger::RecordRead<v1::Result>(
                audit,
                {.action = "result.enter",
                 .entity_type = "qc_result",
                 .entity_id = id,
                 .reason = retest ? request.context().reason() : "",
                 .isbt128 = din,
                 .signature = signature.manifestation},
                ResultRead(id),
                [&](const pg::Result& r) { return ResultFromRead(r, id); }));
        if (approval) {
          ledger::Recorder qa(tx, *ledger_, approval->actor, request_id);
          CC_RETURN_IF_ERROR(qa.Append("result.retest_approve", "qc_result", id,
                                       response.result(),
                                       request.context().reason(), din,
                                       approval->manifestation)
                                 .status());
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ReviewResultResponse> Qc::ReviewResult(
    const P& caller, const v1::ReviewResultRequest& request) {
  if (request.result_id().empty()) return InvalidField("result_id", "required");
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_REVIEWED,
                             "ReviewResult", request_id));
  // A review may close a conditional release, which also needs the batch
  // free of open major deviations.
  std::string lot_id;
  int open_majors = 0;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(ResultOfLot read,
                        LoadResultOfLot(*lease, request.result_id()));
    lot_id = read.lot.lot_id();
    if (read.lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED) {
      CC_ASSIGN_OR_RETURN(manufacturing::v1::GetBatchResponse batch,
                          batches_->GetBatch(read.lot.batch_id()));
      open_majors = batch.open_major_deviations();
    }
  }
  return ledger::RecordOnce<v1::ReviewResultResponse>(
      *pool_, *ledger_, {kServiceName, "ReviewResult", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::ReviewResultResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // The lot locked, then the result, in one round trip.
        const pg::Statement locks[] = {
            LotRead(lot_id, /*for_update=*/true),
            ResultRead(request.result_id(), /*for_update=*/true)};
        CC_ASSIGN_OR_RETURN(std::vector<pg::Result> locked,
                            tx.ExecPipeline(locks));
        CC_ASSIGN_OR_RETURN(v1::Lot lot, LotFromRead(locked[0], lot_id));
        CC_ASSIGN_OR_RETURN(v1::Result result,
                            ResultFromRead(locked[1], request.result_id()));
        if (result.invalidated()) {
          return FailedRule(kReasonResultInvalidated,
                            absl::StrCat("result ", result.result_id(),
                                         " is invalidated: it is not "
                                         "reviewed"));
        }
        if (!result.reviewed_by_user_id().empty()) {
          return FailedRule(
              kReasonResultReviewed,
              absl::StrCat("result ", result.result_id(), " was reviewed by ",
                           result.reviewed_by_user_id()));
        }
        CC_RETURN_IF_ERROR(auth::RequireDistinct(
            result.performed_by_user_id(), signature.actor.user_id(),
            absl::StrCat("result ", result.result_id(),
                         " (entered and reviewed)")));
        // The UPDATE travels with the record's round trip, before its read.
        tx.Defer({kUpdateReviewed,
                  {result.result_id(), signature.actor.user_id()}});
        const std::vector<audit::v1::Isbt128Identifier> din = {DinOf(lot)};
        CC_ASSIGN_OR_RETURN(
            *response.mutable_result(),
            ledger::RecordRead<v1::Result>(
                audit,
                {.action = "result.review",
                 .entity_type = "qc_result",
                 .entity_id = result.result_id(),
                 .isbt128 = din,
                 .signature = signature.manifestation},
                ResultRead(result.result_id()), [&](const pg::Result& r) {
                  return ResultFromRead(r, result.result_id());
                }));
        if (lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED) {
          CC_ASSIGN_OR_RETURN(LotView view, LoadView(tx, lot));
          if (ClosesCondition(lot, view.spec,
                              EvaluateTests(view.spec, view.results),
                              view.open_investigations, open_majors)) {
            const std::string reason =
                absl::StrCat("the tests pending at release (",
                             absl::StrJoin(lot.pending_test_codes(), ", "),
                             ") are in and in specification");
            tx.Defer({kUpdateConditionClosed,
                      {lot.lot_id(),
                       static_cast<int>(v1::LOT_STATE_RELEASED)}});
            CC_ASSIGN_OR_RETURN(lot, RecordLot(audit, "lot.condition_close",
                                               lot_id, DinOf(lot), reason));
          }
        }
        *response.mutable_lot() = lot;
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::InvalidateResultResponse> Qc::InvalidateResult(
    const P& caller, const v1::InvalidateResultRequest& request) {
  if (request.result_id().empty()) return InvalidField("result_id", "required");
  CC_RETURN_IF_ERROR(
      fields::RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "InvalidateResult", request_id));
  return ledger::RecordOnce<v1::InvalidateResultResponse>(
      *pool_, *ledger_, {kServiceName, "InvalidateResult", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::InvalidateResultResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Result result,
                            LoadResult(tx, request.result_id()));
        CC_ASSIGN_OR_RETURN(v1::Lot lot, LoadLot(tx, result.lot_id(),
                                                 /*for_update=*/true));
        CC_ASSIGN_OR_RETURN(result, LoadResult(tx, result.result_id(),
                                               /*for_update=*/true));
        if (lot.state() != v1::LOT_STATE_TESTING &&
            lot.state() != v1::LOT_STATE_ON_HOLD) {
          return FailedRule(
              kReasonLotState,
              absl::StrCat("lot ", lot.lot_id(), " is ", StateWord(lot.state()),
                           ": its results are what it was disposed on and "
                           "stay as they are (put it on hold first)"));
        }
        if (result.invalidated()) {
          return FailedRule(kReasonResultInvalidated,
                            absl::StrCat("result ", result.result_id(),
                                         " is invalidated already"));
        }
        CC_ASSIGN_OR_RETURN(
            *response.mutable_result(),
            InvalidateIn(audit, result, lot, request.context().reason(),
                         signature));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Result> InvalidateIn(ledger::Recorder& audit,
                                        const v1::Result& result,
                                        const v1::Lot& lot,
                                        const std::string& reason,
                                        const auth::Signature& signature) {
  CC_RETURN_IF_ERROR(
      audit.tx()
          .Exec(kUpdateResultInvalidated,
                {result.result_id(), reason, signature.actor.user_id()})
          .status());
  CC_ASSIGN_OR_RETURN(v1::Result invalidated,
                      LoadResult(audit.tx(), result.result_id()));
  CC_RETURN_IF_ERROR(audit
                         .Append("result.invalidate", "qc_result",
                                 result.result_id(), invalidated, reason,
                                 {DinOf(lot)}, signature.manifestation)
                         .status());
  return invalidated;
}

}  // namespace cellchain::qc
