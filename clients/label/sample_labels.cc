#include "clients/label/sample_labels.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/isbt128/eye_readable.h"
#include "services/isbt128/scan.h"

namespace cellchain::label::testing {
namespace {

using ::cellchain::labels::v1::Isbt128Code;
using ::cellchain::labels::v1::Label;
using ::cellchain::labels::v1::LabelType;

// Fills `code` from its data as the service will: the text and K from the
// ISBT 128 library.
void Fill(const std::string& data, Isbt128Code* code,
          std::vector<std::string>& compound) {
  isbt128::EyeReadable eye = *isbt128::EyeReadableOf(data);
  code->set_data(data);
  code->set_eye_readable(eye.text);
  if (eye.check_character != '\0') {
    code->set_check_character(std::string(1, eye.check_character));
  }
  compound.push_back(data);
}

}  // namespace

std::vector<LabelType> AllLabelTypes() {
  return {labels::v1::LABEL_TYPE_TISSUE_CONTAINER,
          labels::v1::LABEL_TYPE_CULTURE_VESSEL,
          labels::v1::LABEL_TYPE_CRYOVIAL, labels::v1::LABEL_TYPE_QC_SAMPLE,
          labels::v1::LABEL_TYPE_DOSE_BAG};
}

Label SampleLabel(LabelType type) {
  Label label;
  label.set_type(type);
  labels::v1::Isbt128Data* isbt = label.mutable_isbt128();
  labels::v1::LabelText* text = label.mutable_text();
  std::vector<std::string> compound;
  Fill(kDinData, isbt->mutable_donation_identification(), compound);
  text->set_manufacturer("RegenHeart cell therapy unit, GMP facility A9999");
  switch (type) {
    case labels::v1::LABEL_TYPE_TISSUE_CONTAINER:
      label.set_item_id("itm_tissue_0017");
      Fill(kCollection, isbt->mutable_collection(), compound);
      text->set_product_name("Umbilical cord tissue");
      text->set_storage("Store at 2–8 °C. Process within 48 h of delivery.");
      text->add_details("Donor D-2026-0017 (pseudonymous)");
      break;
    case labels::v1::LABEL_TYPE_CULTURE_VESSEL:
      label.set_item_id("itm_vessel_0017_p2_1");
      Fill(kBulkProductCode, isbt->mutable_product_code(), compound);
      text->set_product_name("UC-MSC culture, passage 2");
      text->add_details("T175 flask 1 of 4, seeded 2026-05-06");
      text->add_details("Batch BAT-2026-017");
      break;
    case labels::v1::LABEL_TYPE_CRYOVIAL:
      label.set_item_id("itm_vial_0017_012");
      Fill(kBulkProductCode, isbt->mutable_product_code(), compound);
      Fill(kCollection, isbt->mutable_collection(), compound);
      text->set_product_name("UC-MSC, cryopreserved");
      text->set_cells_and_volume("1.0 × 10^7 cells in 1 mL");
      text->set_storage("Store ≤ −150 °C");
      text->add_details("MCB-017 vial 12");
      break;
    case labels::v1::LABEL_TYPE_QC_SAMPLE:
      label.set_item_id("itm_sample_0017_ster");
      Fill(kBulkProductCode, isbt->mutable_product_code(), compound);
      text->set_product_name("QC sample: sterility");
      text->add_details("Lot LOT-2026-017");
      break;
    case labels::v1::LABEL_TYPE_DOSE_BAG:
    default:
      label.set_item_id("itm_dose_0017_a0");
      Fill(kDoseProductCode, isbt->mutable_product_code(), compound);
      Fill(kDoseExpiration, isbt->mutable_expiration(), compound);
      Fill(kChainOfIdentity, isbt->mutable_chain_of_identity(), compound);
      text->set_product_name("UC-MSC suspension for infusion");
      text->set_cells_and_volume(
          "1.0 × 10^7 viable cells in 20 mL heparinized saline");
      text->set_storage("Store at 2–8 °C. Do not freeze. Do not irradiate.");
      text->set_route("For intracoronary use");
      text->set_investigational_statement(
          "CAUTION: New Drug — Limited by Federal (or United States) law to "
          "investigational use.");
      text->set_subject_id("RH-017");
      text->set_date_of_birth("1961-04-02");
      text->add_details("Lot LOT-2026-017");
      break;
  }
  isbt->set_compound_message(*isbt128::EncodeCompound(compound));
  return label;
}

}  // namespace cellchain::label::testing
