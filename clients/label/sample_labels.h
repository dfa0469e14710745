// One well-formed label of every type, built from fixed item data through
// the ISBT 128 library the way the labels service will build them, for the
// renderer's and the client's tests. The expected bar code contents are
// spelled out here once (kDoseDin...), so a test compares what it decodes
// with the item's data, not with what the renderer was given.
//
// Test-only. Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_LABEL_SAMPLE_LABELS_H_
#define CELLCHAIN_CLIENTS_LABEL_SAMPLE_LABELS_H_

#include <vector>

#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::label::testing {

// The item data every sample shares: DIN A9999 26 000017, check character
// T (MOD 37-2 checksum 29), so Type 3 flags 89.
inline constexpr char kDinData[] = "=A99992600001789";
inline constexpr char kDoseProductCode[] = "=<S12950A0";
inline constexpr char kBulkProductCode[] = "=<S1295000";
inline constexpr char kDoseExpiration[] = "&>0263651405";  // 31 DEC 2026 14:05
inline constexpr char kCollection[] = "&*0261191030";      // 29 APR 2026 10:30
inline constexpr char kChainOfIdentity[] = "&/CHA999926RH0017";

cellchain::labels::v1::Label SampleLabel(cellchain::labels::v1::LabelType type);

// Every type, LABEL_TYPE_TISSUE_CONTAINER to LABEL_TYPE_DOSE_BAG.
std::vector<cellchain::labels::v1::LabelType> AllLabelTypes();

}  // namespace cellchain::label::testing

#endif  // CELLCHAIN_CLIENTS_LABEL_SAMPLE_LABELS_H_
