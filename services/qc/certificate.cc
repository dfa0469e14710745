// The certificate of analysis: a released or conditionally released lot's
// specification, every test with its decisive result, limit and verdict,
// and every e-signature on the records it rests on (printed name, time,
// meaning; 21 CFR 11.50), read from the signed audit records themselves,
// rendered as a PDF by coa_pdf.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/qc/coa_pdf.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// Every record of the entities ($1 types, $2 ids, pairwise), oldest first.
constexpr char kSelectRecordsOf[] =
    "SELECT r.record_bytes FROM cellchain_audit.records r "
    "JOIN unnest($1::text[], $2::text[]) AS e(entity_type, entity_id) "
    "USING (entity_type, entity_id) ORDER BY r.recorded_at, r.record_id";

std::string SignatureWhat(const std::string& action, const std::string& label) {
  static const auto* kWords = new absl::flat_hash_map<std::string, std::string>{
      {"specification.approve", "Specification approved"},
      {"result.enter", "Result entered"},
      {"result.review", "Result reviewed"},
      {"result.retest_approve", "Retest approved"},
      {"result.invalidate", "Result invalidated"},
      {"investigation.close", "Investigation closed"},
      {"lot.release", "Lot released"},
      {"lot.release_conditional", "Lot conditionally released"},
      {"lot.hold", "Lot put on hold"},
  };
  auto it = kWords->find(action);
  std::string words = it == kWords->end() ? action : it->second;
  return label.empty() ? words : absl::StrCat(words, ": ", label);
}

}  // namespace

absl::StatusOr<v1::GetCertificateResponse> Qc::GetCertificate(
    const v1::GetCertificateRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  v1::GetLotRequest get;
  get.set_lot_id(request.lot_id());
  CC_ASSIGN_OR_RETURN(v1::GetLotResponse lot, GetLot(get));
  if (lot.lot().state() != v1::LOT_STATE_RELEASED &&
      lot.lot().state() != v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    return FailedRule(kReasonLotNotReleased,
                      absl::StrCat("lot ", lot.lot().lot_id(), " is ",
                                   StateWord(lot.lot().state()),
                                   ": a certificate of analysis is issued "
                                   "for a released lot"));
  }
  v1::CertificateContent content;
  content.set_product(lot.specification().product());
  content.set_din(lot.lot().din());
  content.set_lot_id(lot.lot().lot_id());
  content.set_batch_id(lot.lot().batch_id());
  content.set_product_item_id(lot.lot().product_item_id());
  content.set_specification_name(lot.specification().name());
  content.set_specification_version(lot.specification().version());
  content.set_specification_id(lot.specification().specification_id());
  content.set_disposition(lot.lot().state());
  if (lot.lot().state() == v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    *content.mutable_pending_test_codes() = lot.lot().pending_test_codes();
  }
  absl::flat_hash_map<std::string, const v1::Result*> results;
  for (const v1::Result& r : lot.results()) results[r.result_id()] = &r;
  // Labels of the entities whose signatures the certificate shows.
  absl::flat_hash_map<std::string, std::string> labels;
  labels[lot.specification().specification_id()] = absl::StrCat(
      lot.specification().name(), " version ", lot.specification().version());
  labels[lot.lot().lot_id()] = "";
  for (int i = 0; i < lot.tests_size(); ++i) {
    const v1::TestEvaluation& evaluation = lot.tests(i);
    const v1::SpecTest& test = lot.specification().tests(i);
    v1::CertificateLine* line = content.add_lines();
    line->set_test_code(test.code());
    line->set_test_name(test.name());
    line->set_method(test.method());
    line->set_criterion(test.criterion());
    line->set_unit(test.unit());
    if (!evaluation.result_ids().empty()) {
      // The decisive result: the last valid one.
      const v1::Result& r = *results[*evaluation.result_ids().rbegin()];
      line->set_result(r.value());
      line->set_result_id(r.result_id());
    } else {
      line->set_result("pending");
    }
    line->set_verdict(
        evaluation.status() == v1::TEST_STATUS_IN_SPECIFICATION ? "PASS"
        : evaluation.status() == v1::TEST_STATUS_OUT_OF_SPECIFICATION
            ? "FAIL"
            : "PENDING");
    for (const std::string& id : evaluation.result_ids()) {
      labels[id] = absl::StrCat(test.name(), " = ", results[id]->value(),
                                results[id]->unit().empty() ? "" : " ",
                                results[id]->unit());
    }
  }
  std::vector<std::string> types, ids;
  for (const auto& [id, label] : labels) {
    ids.push_back(id);
    types.push_back(id == lot.specification().specification_id()
                        ? "qc_specification"
                    : id == lot.lot().lot_id() ? "qc_lot"
                                               : "qc_result");
  }
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(pg::Result r,
                        lease->Exec(kSelectRecordsOf,
                                    {pg::TextArray(types), pg::TextArray(ids)}));
    for (int row = 0; row < r.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, 0));
      audit::v1::AuditRecord record;
      if (!record.ParseFromString(bytes)) {
        return absl::InternalError("an audit record does not parse");
      }
      if (!record.has_signature()) continue;
      v1::CertificateSignature* sig = content.add_signatures();
      sig->set_what(
          SignatureWhat(record.action(), labels[record.entity().id()]));
      sig->set_printed_name(record.signature().printed_name());
      sig->set_user_id(record.signature().user_id());
      sig->set_meaning(record.signature().meaning());
      *sig->mutable_signed_at() = record.signature().signed_at();
      sig->set_record_id(record.record_id());
    }
  }
  *content.mutable_issued_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(clock_->Now()));
  v1::GetCertificateResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_pdf(), RenderCertificatePdf(content));
  response.set_file_name(
      absl::StrCat("CoA-", content.din(), "-", content.lot_id(), ".pdf"));
  response.set_sha256_hex(crypto::Sha256Hex(response.pdf()));
  *response.mutable_content() = std::move(content);
  return response;
}

}  // namespace cellchain::qc
