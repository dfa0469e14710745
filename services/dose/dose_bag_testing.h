// BagOf: the custody dose bag a dose is identified on — its 001, 003, 005
// and 040, its patient and the product lot it is made from — as
// custody::testing::RegisterDoseBag takes it, for the fixtures that stand
// in for the dose service (clinical's, labels') and register the bag of a
// dose they made up, as PrepareDose registers it.
//
// Test-only, header-only. Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_BAG_TESTING_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_BAG_TESTING_H_

#include <string>

#include "cellchain/dose/v1/dose.pb.h"
#include "services/custody/product_lot_testing.h"

namespace cellchain::dose {

// Put at `location_id` ("": nowhere).
inline custody::testing::DoseBag BagOf(const v1::Dose& dose,
                                       const std::string& location_id = "") {
  return {.donation_identification = dose.donation_identification(),
          .product_code = dose.product_code(),
          .expiration = dose.expiration(),
          .chain_of_identity = dose.chain_of_identity(),
          .subject_id = dose.subject_id(),
          .product_item_id = dose.product_item_id(),
          .location_id = location_id};
}

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_BAG_TESTING_H_
