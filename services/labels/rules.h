// The labels service's pure rules: which label an item carries and what it
// says (DecideLabel), the hash a print job records of it (ContentSha256),
// and the verdict on a scan of an applied label (JudgeScan). No database,
// no gRPC, no clock.
//
// What a label holds, per type (the fields clients/label/label_check.h
// requires, and where each comes from):
//
//   every type      001 (custody's DIN, Type 3 flags), the compound message
//                   023 of every structure present, product name,
//                   manufacturer, the custody description as a detail line
//   tissue          007 collection (the cord's delivery, from donor intake;
//     container     required: no label without it), storage; 003 and 005
//                   when custody holds them
//   culture vessel  003 and 005 when custody holds them; storage
//   cryovial        003 (required), cells and volume (required, from
//                   manufacturing), storage; 005 when custody holds it, 007
//                   when donor intake gives it (omitted otherwise)
//   QC sample       003 and 005 when custody holds them
//   dose bag        003, 005 and 040 from the dose (custody's must agree),
//                   cells and volume from the dose's count (its plan before
//                   the count), storage, route, the investigational
//                   statement, the patient's subject id and date of birth
//                   (text only: a bar code holds ISBT 128 structures and
//                   nothing else, so never a name, a subject id or a date
//                   of birth)
//
// Thread-safety: pure functions over values.
#ifndef CELLCHAIN_SERVICES_LABELS_RULES_H_
#define CELLCHAIN_SERVICES_LABELS_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::labels {

// The texts a label prints that are the facility's, not the item's.
struct LabelOptions {
  std::string manufacturer = "RegenHeart cell therapy unit, GMP facility";
  // The zone 007's date and time are printed in (the facility's).
  absl::TimeZone time_zone = absl::UTCTimeZone();
  std::string tissue_name = "Umbilical cord tissue";
  std::string vessel_name = "UC-MSC culture";
  std::string cryovial_name = "UC-MSC, cryopreserved";
  std::string sample_name = "QC sample";
  std::string dose_name = "UC-MSC suspension for intracoronary infusion";
  std::string tissue_storage =
      "Store at 2–8 °C. Process within 48 h of delivery.";
  std::string vessel_storage = "Incubate at 37 °C, 5 % CO2.";
  std::string cryovial_storage = "Store at or below −150 °C.";
  std::string dose_storage =
      "Store at 2–8 °C. Do not freeze. Do not irradiate.";
  std::string route = "For intracoronary use";
  // 21 CFR 312.6(a).
  std::string investigational_statement =
      "CAUTION: New Drug — Limited by Federal (or United States) law to "
      "investigational use.";
};

// Cells and volume of a container, as counted.
struct CellCount {
  double viable_cells = 0;
  double volume_ml = 0;
};

// What the label of one item is decided from, as the ports gave it.
struct LabelFacts {
  custody::v1::Item item;
  // A dose bag's dose and patient (dose service).
  std::optional<dose::v1::Dose> dose;
  std::optional<dose::v1::Patient> patient;
  // When the cord was delivered (donor intake), if known.
  std::optional<absl::Time> collected_at;
  // A cryovial's cells and volume (manufacturing), if known.
  std::optional<CellCount> vial_cells;
};

// The label type of a custody item type; nullopt for the types that carry
// no label of this service (donor lot, reagent lot, equipment, product
// lot).
std::optional<v1::LabelType> LabelTypeOf(custody::v1::ItemType type);

// The label of `facts.item`, with reprint false.
// FAILED_PRECONDITION, reason (reasons.h):
//   ITEM_NOT_LABELLED    the item's type carries no label;
//   LABEL_DATA_MISSING   a field the type requires has no source (the
//                        message names the field): a DIN; a tissue
//                        container's collection; a cryovial's product code
//                        or cells; a dose bag's dose, patient, 003, 005,
//                        040, cells or volume;
//   LABEL_DATA_CONFLICT  a dose bag whose custody identifiers (DIN, 003,
//                        005, 040, patient) are not its dose's, or a dose
//                        whose patient is not the patient given;
//   LABEL_DATA_INVALID   an identifier that is not its ISBT 128 structure,
//                        or a subject id / date of birth the label cannot
//                        print.
absl::StatusOr<v1::Label> DecideLabel(const LabelFacts& facts,
                                      const LabelOptions& options = {});

// "1.0 × 10^7 viable cells in 20 mL": the cells to two significant digits,
// the volume to 0.1 mL without a trailing ".0".
std::string CellsAndVolumeText(const CellCount& count);

// The label's deterministic serialization: what a print job stores.
std::string LabelBytes(const v1::Label& label);
// The lower-case hex SHA-256 of LabelBytes(label).
std::string ContentSha256(const v1::Label& label);

// The verdict on one scan of an applied label, before the service names
// the item a foreign scan belongs to.
struct ScanVerdict {
  v1::VerificationResult result = v1::VERIFICATION_RESULT_FAIL;
  v1::ScanMismatch mismatch = v1::SCAN_MISMATCH_UNSPECIFIED;
  std::string detail;  // empty on a pass
};

// Compares `scan` with `label` byte for byte. It passes when the scan is
// the label's compound message exactly, or its linear codes (001, 003,
// 005, 007, 040 as present), each exactly once in any order, concatenated
// as a scanner sends them. Otherwise, the first that applies:
//   UNREADABLE  not ISBT 128 structures (isbt128::ParseScan refuses it);
//   OTHER_ITEM  another DIN, or this DIN with another product code or a
//               product code where the label has none (custody keeps one
//               item per DIN and product code);
//   FIELD       a structure of the label's kinds that differs (an older
//               label's expiry), or a compound message holding the label's
//               structures in other bytes;
//   INCOMPLETE  a structure of the label missing, read twice, or one the
//               label does not carry.
ScanVerdict JudgeScan(const v1::Label& label, std::string_view scan);

// The DIN (13 characters) and 003 (with identifier, or empty) a scan
// carries, for finding the item whose label it is; nullopt when it carries
// no DIN.
struct ScannedIdentity {
  std::string din;
  std::string product_code;
};
std::optional<ScannedIdentity> IdentityOfScan(std::string_view scan);

// The DIN (13 characters) a label's 001 carries; empty when none.
std::string DinOf(const v1::Label& label);

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_RULES_H_
