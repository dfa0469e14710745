// Lab: a laboratory value of the safety observation as a clinician enters
// it, for the tests of its rules (rules_test) and of the RPC
// (infusion_pg_test), which each built it.
//
// Test-only, header-only. Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_CLINICAL_OBSERVATION_ENTRY_TESTING_H_
#define CELLCHAIN_SERVICES_CLINICAL_OBSERVATION_ENTRY_TESTING_H_

#include <string>

#include "cellchain/clinical/v1/clinical.pb.h"

namespace cellchain::clinical {

inline v1::ObservationEntry Lab(const std::string& analyte, double value,
                                const std::string& unit) {
  v1::ObservationEntry entry;
  entry.mutable_lab()->set_analyte(analyte);
  entry.mutable_lab()->set_value(value);
  entry.mutable_lab()->set_unit(unit);
  return entry;
}

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_OBSERVATION_ENTRY_TESTING_H_
