// The specifications: a new DRAFT version (from the tests given or the
// default specification), QA's approval that puts it in effect and
// supersedes the version before it, and the reads.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// Versions of one name are numbered one after the other: $1 the name.
constexpr char kLockSpecificationName[] =
    "SELECT pg_advisory_xact_lock(hashtext('cellchain_qc.specifications/' "
    "|| $1))";
constexpr char kSelectNextVersion[] =
    "SELECT coalesce(max(version), 0) + 1 FROM cellchain_qc.specifications "
    "WHERE name = $1";
// $1 id, $2 name, $3 version, $4 product, $5 status (DRAFT), $6 tests (a
// v1.Specification holding only its tests), $7 created by.
constexpr char kInsertSpecification[] =
    "INSERT INTO cellchain_qc.specifications (specification_id, name, "
    "version, product, status, tests, created_by, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, now())";
// $1 id, $2 SUPERSEDED.
constexpr char kUpdateSuperseded[] =
    "UPDATE cellchain_qc.specifications SET status = $2, "
    "superseded_at = now() WHERE specification_id = $1";
// $1 id, $2 EFFECTIVE, $3 approved by.
constexpr char kUpdateApproved[] =
    "UPDATE cellchain_qc.specifications SET status = $2, approved_by = $3, "
    "approved_at = now() WHERE specification_id = $1";

}  // namespace

absl::StatusOr<v1::CreateSpecificationResponse> Qc::CreateSpecification(
    const P& caller, const v1::CreateSpecificationRequest& request) {
  const std::string name =
      request.name().empty() ? options_.specification_name : request.name();
  CC_RETURN_IF_ERROR(fields::RequireText(name, "name", 64));
  const std::string product =
      request.product().empty() ? options_.product : request.product();
  CC_RETURN_IF_ERROR(fields::RequireText(product, "product", 200));
  std::vector<v1::SpecTest> tests;
  if (request.use_default()) {
    if (!request.tests().empty()) {
      return InvalidField("tests", "must be empty with use_default");
    }
    tests = DefaultTests(options_.default_spec);
  } else {
    tests.assign(request.tests().begin(), request.tests().end());
  }
  if (tests.empty()) {
    return InvalidField("tests", "at least one test, or use_default");
  }
  if (tests.size() > kMaxTests) {
    return InvalidField("tests", absl::StrCat("at most ", kMaxTests));
  }
  absl::flat_hash_set<std::string> codes;
  v1::Specification stored_tests;
  for (size_t i = 0; i < tests.size(); ++i) {
    std::string field = absl::StrCat("tests[", i, "]");
    CC_RETURN_IF_ERROR(NormalizeTest(tests[i], field));
    if (!codes.insert(tests[i].code()).second) {
      return InvalidField(
          absl::StrCat(field, ".code"),
          absl::StrCat("\"", tests[i].code(), "\" appears twice"));
    }
    *stored_tests.add_tests() = tests[i];
  }
  CC_ASSIGN_OR_RETURN(std::string tests_bytes,
                      ledger::SerializeDeterministic(stored_tests));
  return ledger::RecordOnce<v1::CreateSpecificationResponse>(
      *pool_, *ledger_,
      {kServiceName, "CreateSpecification", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::CreateSpecificationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(tx.Exec(kLockSpecificationName, {name}).status());
        CC_ASSIGN_OR_RETURN(pg::Result next,
                            tx.Exec(kSelectNextVersion, {name}));
        CC_ASSIGN_OR_RETURN(int64_t version, next.GetInt64(0, 0));
        const std::string id = crypto::RandomId("spc");
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertSpecification,
                    {id, name, version, product,
                     static_cast<int>(v1::SPECIFICATION_STATUS_DRAFT),
                     pg::Param::Bytes(tests_bytes), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_specification(),
                            LoadSpec(tx, id));
        return audit
            .Append("specification.create", "qc_specification", id,
                    response.specification())
            .status();
      });
}

absl::StatusOr<v1::ApproveSpecificationResponse> Qc::ApproveSpecification(
    const P& caller, const v1::ApproveSpecificationRequest& request) {
  if (request.specification_id().empty()) {
    return InvalidField("specification_id", "required");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_APPROVED,
                             "ApproveSpecification", request_id));
  return ledger::RecordOnce<v1::ApproveSpecificationResponse>(
      *pool_, *ledger_, {kServiceName, "ApproveSpecification", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::ApproveSpecificationResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Specification spec,
            LoadSpec(tx, request.specification_id(), /*for_update=*/true));
        if (spec.status() != v1::SPECIFICATION_STATUS_DRAFT) {
          return FailedRule(
              kReasonSpecificationStatus,
              absl::StrCat("specification ", spec.name(), " version ",
                           spec.version(), " is ",
                           v1::SpecificationStatus_Name(spec.status()),
                           ", not a draft: only a draft is approved"));
        }
        absl::StatusOr<v1::Specification> effective =
            LoadEffective(tx, spec.name(), /*for_update=*/true);
        if (effective.ok()) {
          const std::string& old = effective->specification_id();
          CC_RETURN_IF_ERROR(
              tx.Exec(kUpdateSuperseded,
                      {old,
                       static_cast<int>(v1::SPECIFICATION_STATUS_SUPERSEDED)})
                  .status());
          CC_ASSIGN_OR_RETURN(v1::Specification superseded, LoadSpec(tx, old));
          CC_RETURN_IF_ERROR(audit
                                 .Append("specification.supersede",
                                         "qc_specification", old, superseded,
                                         absl::StrCat("superseded by version ",
                                                      spec.version()))
                                 .status());
          response.set_superseded_specification_id(old);
        } else if (ReasonOf(effective.status()) !=
                   kReasonNoApprovedSpecification) {
          return effective.status();
        }
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateApproved,
                    {spec.specification_id(),
                     static_cast<int>(v1::SPECIFICATION_STATUS_EFFECTIVE),
                     signature.actor.user_id()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_specification(),
                            LoadSpec(tx, spec.specification_id()));
        return audit
            .Append("specification.approve", "qc_specification",
                    spec.specification_id(), response.specification(), "", {},
                    signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::GetSpecificationResponse> Qc::GetSpecification(
    const v1::GetSpecificationRequest& request) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetSpecificationResponse response;
  if (!request.specification_id().empty()) {
    CC_ASSIGN_OR_RETURN(*response.mutable_specification(),
                        LoadSpec(*lease, request.specification_id()));
  } else if (!request.effective_name().empty()) {
    CC_ASSIGN_OR_RETURN(*response.mutable_specification(),
                        LoadEffective(*lease, request.effective_name()));
  } else {
    return InvalidField("specification_id", "required (or effective_name)");
  }
  return response;
}

absl::StatusOr<v1::ListSpecificationsResponse> Qc::ListSpecifications(
    const v1::ListSpecificationsRequest& request) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::Specification> specs,
                      ListSpecs(*lease, request.name()));
  v1::ListSpecificationsResponse response;
  for (v1::Specification& spec : specs) {
    *response.add_specifications() = std::move(spec);
  }
  return response;
}

}  // namespace cellchain::qc
