#include "clients/label/zpl.h"

#include <string>
#include <string_view>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/label/code128.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void AppendHex(unsigned char c, std::string& out) {
  out.push_back('_');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0x0f]);
}

}  // namespace

std::string ZplHexEscape(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '^' || c == '~' || c == '_' || c < 0x20 || c > 0x7e) {
      AppendHex(c, out);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

absl::StatusOr<std::string> ZplCode128Data(std::string_view data) {
  absl::StatusOr<Code128Plan> plan = PlanCode128(data);
  if (!plan.ok()) return plan.status();
  std::string raw;
  bool first = true;
  for (const Code128Segment& segment : plan->segments) {
    if (segment.subset_c) {
      raw += first ? ">;" : ">5";
      raw += segment.data;
    } else {
      raw += first ? ">:" : ">6";
      for (char c : segment.data) {
        if (c == '>') {
          raw += ">0";
        } else {
          raw.push_back(c);
        }
      }
    }
    first = false;
  }
  return ZplHexEscape(raw);
}

absl::StatusOr<std::string> ToZpl(const Layout& layout, int copies) {
  if (copies < 1 || copies > 99) return InvalidField("copies", "1 to 99");
  std::string out = "^XA\n^CI28\n";
  absl::StrAppend(&out, "^PW", layout.width, "^LL", layout.height, "^LH0,0\n");
  for (const Element& element : layout.elements) {
    if (const auto* text = std::get_if<TextElement>(&element)) {
      absl::StrAppend(&out, "^FO", text->x, ",", text->y, "^A0N,", text->height,
                      ",", text->height, "^FH_^FD", ZplHexEscape(text->text),
                      "^FS\n");
    } else if (const auto* box = std::get_if<BoxElement>(&element)) {
      absl::StrAppend(&out, "^FO", box->x, ",", box->y, "^GB", box->width, ",",
                      box->height, ",", box->thickness, "^FS\n");
    } else if (const auto* code = std::get_if<Code128Element>(&element)) {
      absl::StatusOr<std::string> data = ZplCode128Data(code->data);
      if (!data.ok()) return data.status();
      // ^BCo,h,f,g,e,m: no interpretation line (the layout prints the
      // eye-readable text), no UCC check digit, no mode: invocation codes.
      absl::StrAppend(&out, "^FO", code->x, ",", code->y, "^BY", code->module,
                      "^BCN,", code->height, ",N,N,N,N^FH_^FD", *data, "^FS\n");
    } else if (const auto* dm = std::get_if<DataMatrixElement>(&element)) {
      if (dm->data.find('~') != std::string::npos) {
        return InvalidField("datamatrix",
                            "'~' is ^BX's escape character; ISBT 128 data "
                            "never holds it");
      }
      // ^BXo,h,s,c,r: module size in dots, quality 200 (ECC 200), the
      // columns and rows zint chose, so that the printer's symbol is the
      // size the layout left for it.
      absl::StrAppend(&out, "^FO", dm->x, ",", dm->y, "^BXN,", dm->module,
                      ",200,", dm->columns, ",", dm->rows, "^FH_^FD",
                      ZplHexEscape(dm->data), "^FS\n");
    }
  }
  if (copies > 1) absl::StrAppend(&out, "^PQ", copies, "\n");
  out += "^XZ\n";
  return out;
}

}  // namespace cellchain::label
