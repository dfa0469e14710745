// Between the stored protos and the eligibility rules (eligibility.h): the
// facts a determination is made from, as a donor's row and her screening
// results hold them, and the rules' result as the v1.Determination the
// service stores and signs. Pure: no database, no gRPC.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_PROTO_H_
#define CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_PROTO_H_

#include <string>
#include <vector>

#include "cellchain/donor/v1/donor.pb.h"
#include "services/donor/eligibility.h"

namespace cellchain::donor {

// Her consent from donor.consent_status, the birth from
// donor.delivered_at (when recorded), and every screening result.
DonorFacts ToFacts(const v1::Donor& donor,
                   const std::vector<v1::Screening>& screenings);

// `d` for `donor` at her current revision, every reason in order; the id,
// signer and time are the store's to set.
v1::Determination ToProto(const Determination& d, const v1::Donor& donor);

// Every reason of `d`, in order, for a person: "CONSENT_MISSING (no consent
// is recorded); TEST_MISSING HTLV_AB (HTLV-I/II antibody: no result of a
// specimen in window)"; "" without reasons.
std::string DescribeReasons(const v1::Determination& d);

// The outcome and every reason, as the determination's audit record states
// it: "INELIGIBLE: TEST_REACTIVE HBSAG (Hepatitis B surface antigen:
// reactive)", "ELIGIBLE" or "ELIGIBLE: TEST_REACTIVE_FOR_INFORMATION CMV_AB
// (...)".
std::string DescribeOutcome(const v1::Determination& d);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_ELIGIBILITY_PROTO_H_
