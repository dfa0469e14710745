// What the donor service's rules are configured with: the facility whose
// DINs its lots get, the screening panel, and the limits beyond which a
// cord's receipt records a deviation. donor.h includes this header; the
// pure rule files include it alone.
//
// Thread-safety: a value type.
#ifndef CELLCHAIN_SERVICES_DONOR_DONOR_OPTIONS_H_
#define CELLCHAIN_SERVICES_DONOR_DONOR_OPTIONS_H_

#include <string>

#include "absl/time/time.h"
#include "services/donor/eligibility.h"

namespace cellchain::donor {

struct DonorOptions {
  // The facility whose DINs donor lots get (custody allocates them).
  std::string fin = "A9999";
  Panel panel = DefaultPanel();
  // Collection to receipt (where processing starts) beyond this records a
  // deviation.
  absl::Duration max_collection_to_processing = absl::Hours(48);
  // The transport logger's readings must stay within this range.
  double transport_min_celsius = 2.0;
  double transport_max_celsius = 8.0;
};

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DONOR_OPTIONS_H_
