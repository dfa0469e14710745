// Every reason the qc service refuses with (FAILED_PRECONDITION and
// NOT_FOUND), named once; docs/services/qc.md lists when each is sent.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_QC_REASONS_H_
#define CELLCHAIN_SERVICES_QC_REASONS_H_

namespace cellchain::qc {

inline constexpr char kServiceName[] = "cellchain.qc.v1.QcService";

// Reasons of NOT_FOUND refusals (status.h NotFound).
inline constexpr char kReasonSpecificationNotFound[] =
    "SPECIFICATION_NOT_FOUND";
inline constexpr char kReasonLotNotFound[] = "LOT_NOT_FOUND";
inline constexpr char kReasonSampleNotFound[] = "SAMPLE_NOT_FOUND";
inline constexpr char kReasonResultNotFound[] = "RESULT_NOT_FOUND";
inline constexpr char kReasonInvestigationNotFound[] =
    "INVESTIGATION_NOT_FOUND";

// Reasons of FAILED_PRECONDITION refusals: specifications and lots.
inline constexpr char kReasonSpecificationStatus[] = "SPECIFICATION_STATUS";
inline constexpr char kReasonNoApprovedSpecification[] =
    "NO_APPROVED_SPECIFICATION";
inline constexpr char kReasonBatchNotHarvested[] = "BATCH_NOT_HARVESTED";
inline constexpr char kReasonLotState[] = "LOT_STATE";
inline constexpr char kReasonLotNotReleased[] = "LOT_NOT_RELEASED";

// Samples and results. A retry of a DrawSample whose sample was refused
// after its custody item was made: the item was discarded, so the sample
// needs a new request id.
inline constexpr char kReasonRequestRefusedBefore[] = "REQUEST_REFUSED_BEFORE";
inline constexpr char kReasonUnknownTest[] = "UNKNOWN_TEST";
inline constexpr char kReasonTestNotOnSample[] = "TEST_NOT_ON_SAMPLE";
inline constexpr char kReasonUnitMismatch[] = "UNIT_MISMATCH";
inline constexpr char kReasonRetestRequired[] = "RETEST_REQUIRED";
inline constexpr char kReasonRetestOfInvalid[] = "RETEST_OF_INVALID";
inline constexpr char kReasonResultReviewed[] = "RESULT_REVIEWED";
inline constexpr char kReasonResultInvalidated[] = "RESULT_INVALIDATED";
inline constexpr char kReasonInvestigationClosed[] = "INVESTIGATION_CLOSED";

// What a release refuses (rules.h ReleaseBlockers), in the order checked.
inline constexpr char kReasonTestPending[] = "TEST_PENDING";
inline constexpr char kReasonTestAwaitingReview[] = "TEST_AWAITING_REVIEW";
inline constexpr char kReasonTestOutOfSpecification[] =
    "TEST_OUT_OF_SPECIFICATION";
inline constexpr char kReasonInvestigationOpen[] = "INVESTIGATION_OPEN";
inline constexpr char kReasonMajorDeviationOpen[] = "MAJOR_DEVIATION_OPEN";
inline constexpr char kReasonNothingPending[] = "NOTHING_PENDING";

// ALREADY_EXISTS: a batch's lot is opened once.
inline constexpr char kReasonLotExists[] = "LOT_EXISTS";
// ABORTED: the lot changed since the caller looked (expected_version), or
// while a custody recall was being made for it.
inline constexpr char kReasonLotVersion[] = "LOT_VERSION";

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_REASONS_H_
