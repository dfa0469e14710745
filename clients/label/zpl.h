// ZPL II for Zebra printers from a label's layout (layout.h), and the
// escaping its field data needs.
//
// Every field carries ^FH (hex indicator '_'): in field data a '^' would
// start a command and a '~' a control command, so both are written as
// _5E and _7E, '_' itself as _5F, and every byte outside printable ASCII
// (the UTF-8 of "×", "°", "–", which ^CI28 prints) as _XX too, so that the
// format is plain ASCII whatever the text. In ^BC (Code 128, no mode) data
// '>' starts an invocation code, so a literal '>' is written ">0" (ZPL II
// Programming Guide, ^BC, Table "Code 128 Invocation Characters": >0 is
// value 30, '>' in subsets A and B); the code sets are given explicitly
// (">:" start B, ">;" start C, ">5" / ">6" switch) from code128.h's plan, so
// that the printer encodes the symbol the layout measured.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_LABEL_ZPL_H_
#define CELLCHAIN_CLIENTS_LABEL_ZPL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "clients/label/layout.h"

namespace cellchain::label {

// `data` as ^FH field data: '^' '~' '_' and bytes outside 0x20-0x7E as _XX
// (upper-case hex).
std::string ZplHexEscape(std::string_view data);

// The ^FD data of a ^BC field (to be given with ^FH) for `data`: invocation
// codes for the code sets of its plan, '>' as ">0", then ZplHexEscape.
// INVALID_ARGUMENT as PlanCode128.
absl::StatusOr<std::string> ZplCode128Data(std::string_view data);

// The whole format, ^XA to ^XZ, one command group per line: ^CI28 (UTF-8),
// ^PW and ^LL from the layout, then every element; ^PQ `copies` when more
// than one. INVALID_ARGUMENT: copies outside 1-99; a Code 128 element's
// data as above; a Data Matrix element whose data holds '~', which ^BX
// would read as its escape character (ISBT 128 data never does).
absl::StatusOr<std::string> ToZpl(const Layout& layout, int copies = 1);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_ZPL_H_
