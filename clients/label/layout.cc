#include "clients/label/layout.h"

#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/label/code128.h"
#include "clients/label/label_check.h"
#include "clients/label/zint_symbols.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::label {
namespace {

using ::cellchain::labels::v1::Isbt128Code;
using ::cellchain::labels::v1::Label;
using ::cellchain::labels::v1::LabelType;

constexpr double kCharWidth = 0.62;  // of the height, per character
constexpr double kLinePitch = 1.2;   // baseline to baseline, of the height
constexpr int kQuietModules = 10;

// Sizes in dots at one resolution.
struct Geometry {
  int dpi = 0;
  int Mm(double mm) const {
    return static_cast<int>(std::lround(mm * dpi / 25.4));
  }
  int In(double in) const { return static_cast<int>(std::lround(in * dpi)); }
};

struct Stock {
  double width_in = 0;
  double height_in = 0;
  bool small = false;
};

Stock StockFor(LabelType type) {
  switch (type) {
    case labels::v1::LABEL_TYPE_DOSE_BAG:
      return {4, 4, false};
    case labels::v1::LABEL_TYPE_TISSUE_CONTAINER:
      return {4, 3, false};
    case labels::v1::LABEL_TYPE_CULTURE_VESSEL:
      return {4, 2, false};
    default:
      return {2, 1, true};
  }
}

int CodePoints(std::string_view text) {
  int n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

int EstimatedWidth(std::string_view text, int height) {
  return static_cast<int>(std::ceil(CodePoints(text) * kCharWidth * height));
}

// Splits `text` at spaces into lines of at most `width` dots as estimated;
// a word longer than a line is cut between characters.
std::vector<std::string> Wrap(std::string_view text, int height, int width) {
  const int per_line =
      std::max(1, static_cast<int>(width / (kCharWidth * height)));
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    i = end + 1;
    while (CodePoints(word) > per_line) {
      if (!line.empty()) {
        lines.push_back(std::move(line));
        line.clear();
      }
      // Cut at a code point boundary.
      size_t cut = 0;
      int points = 0;
      while (cut < word.size()) {
        size_t next = cut + 1;
        while (next < word.size() &&
               (static_cast<unsigned char>(word[next]) & 0xc0) == 0x80) {
          ++next;
        }
        if (points + 1 > per_line) break;
        ++points;
        cut = next;
      }
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    if (word.empty()) continue;
    std::string candidate = line.empty()
                                ? std::string(word)
                                : absl::StrCat(line, " ", ToAbsl(word));
    if (CodePoints(candidate) > per_line && !line.empty()) {
      lines.push_back(std::move(line));
      line = std::string(word);
    } else {
      line = std::move(candidate);
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

struct Line {
  std::string text;
  int height = 0;
  bool bold = false;
};

// Places `lines` wrapped into the column [x, x + width) from `y`; returns
// the y below the last one.
int PlaceLines(const std::vector<Line>& lines, int x, int y, int width,
               Layout& layout) {
  for (const Line& line : lines) {
    for (std::string& part : Wrap(line.text, line.height, width)) {
      layout.elements.push_back(
          TextElement{x, y, line.height, width, line.bold, std::move(part)});
      y += static_cast<int>(std::lround(line.height * kLinePitch));
    }
  }
  return y;
}

// The eye-readable text at (x, y) and, when `k` is set, the check character
// in a box after it. Returns the width used.
int PlaceEyeReadable(std::string_view text, std::string_view k, int x, int y,
                     int height, bool bold, Layout& layout) {
  int text_width = EstimatedWidth(text, height);
  layout.elements.push_back(
      TextElement{x, y, height, text_width, bold, std::string(text)});
  if (k.empty()) return text_width;
  const int pad = std::max(2, height / 6);
  const int box_x = x + text_width + height / 2;
  const int box_side = height + 2 * pad;
  const int thickness = std::max(2, height / 12);
  layout.elements.push_back(
      BoxElement{box_x, y - pad, box_side, box_side, thickness});
  const int k_width = EstimatedWidth(k, height);
  layout.elements.push_back(TextElement{box_x + (box_side - k_width) / 2, y,
                                        height, k_width, bold, std::string(k)});
  return box_x + box_side - x;
}

absl::Status DoesNotFit(const Label& label, const Stock& stock) {
  return InvalidField(
      "text", absl::StrCat("the content does not fit the ", stock.width_in,
                           " x ", stock.height_in, " in label of a ",
                           labels::v1::LabelType_Name(label.type())));
}

absl::StatusOr<DataMatrixElement> DataMatrixAt(const std::string& data,
                                               int module) {
  absl::StatusOr<Symbol> symbol = EncodeDataMatrix(data);
  if (!symbol.ok()) return symbol.status();
  DataMatrixElement dm;
  dm.module = module;
  dm.rows = symbol->rows;
  dm.columns = symbol->width;
  dm.data = data;
  return dm;
}

// The codes of `label` a large layout prints as Code 128, in order.
std::vector<const Isbt128Code*> LinearCodes(const Label& label) {
  const labels::v1::Isbt128Data& isbt = label.isbt128();
  std::vector<const Isbt128Code*> codes;
  for (const Isbt128Code* code :
       {&isbt.donation_identification(), &isbt.product_code(),
        &isbt.expiration(), &isbt.collection(), &isbt.chain_of_identity()}) {
    if (!code->data().empty()) codes.push_back(code);
  }
  return codes;
}

std::vector<Line> BodyLines(const Label& label, int body, int title,
                            int small) {
  const labels::v1::LabelText& text = label.text();
  std::vector<Line> lines;
  if (label.reprint()) lines.push_back({"REPRINT", title, true});
  lines.push_back({text.product_name(), title, true});
  auto add = [&lines](const std::string& value, int height, bool bold) {
    if (!value.empty()) lines.push_back({value, height, bold});
  };
  add(text.cells_and_volume(), body, false);
  add(text.route(), body, true);
  if (!text.subject_id().empty()) {
    lines.push_back({absl::StrCat("Subject ", text.subject_id(), ", DOB ",
                                  text.date_of_birth()),
                     body, true});
  }
  add(text.storage(), body, false);
  for (const std::string& detail : text.details()) add(detail, body, false);
  add(text.investigational_statement(), body, true);
  add(text.manufacturer(), small, false);
  lines.push_back({absl::StrCat("Item ", label.item_id()), small, false});
  return lines;
}

absl::StatusOr<Layout> LayOutLarge(const Label& label, const Geometry& g,
                                   const Stock& stock, Layout layout) {
  const int margin = g.Mm(2.5);
  const int module = g.dpi == 203 ? 2 : 3;
  const int bar_height =
      g.Mm(label.type() == labels::v1::LABEL_TYPE_CULTURE_VESSEL ? 8 : 10);
  const int code_text = g.Mm(3);
  const int row_height = bar_height + g.Mm(1) + code_text + g.Mm(2.5);
  const int right = layout.width - margin;

  int x = margin;
  int y = margin;
  bool row_used = false;
  for (const Isbt128Code* code : LinearCodes(label)) {
    absl::StatusOr<Code128Plan> plan = PlanCode128(code->data());
    if (!plan.ok()) return plan.status();
    const int block = (plan->Modules() + 2 * kQuietModules) * module;
    if (row_used && x + block > right) {
      x = margin;
      y += row_height;
    }
    if (x + block > right) return DoesNotFit(label, stock);
    const int bars_x = x + kQuietModules * module;
    layout.elements.push_back(Code128Element{bars_x, y, module, bar_height,
                                             plan->Modules(), code->data()});
    PlaceEyeReadable(code->eye_readable(), code->check_character(), bars_x,
                     y + bar_height + g.Mm(1), code_text,
                     /*bold=*/!code->check_character().empty(), layout);
    x += block;
    row_used = true;
  }
  if (row_used) y += row_height;

  const int dm_module = g.dpi == 203 ? 4 : 6;
  absl::StatusOr<DataMatrixElement> dm =
      DataMatrixAt(label.isbt128().compound_message(), dm_module);
  if (!dm.ok()) return dm.status();
  dm->x = right - dm->columns * dm_module;
  dm->y = y;
  const int column = dm->x - g.Mm(3) - margin;
  const int end = PlaceLines(BodyLines(label, g.Mm(2.8), g.Mm(3.6), g.Mm(2.2)),
                             margin, y, column, layout);
  const int bottom = layout.height - margin;
  if (end > bottom || dm->y + dm->rows * dm_module > bottom) {
    return DoesNotFit(label, stock);
  }
  layout.elements.push_back(*std::move(dm));
  return layout;
}

absl::StatusOr<Layout> LayOutSmall(const Label& label, const Geometry& g,
                                   const Stock& stock, Layout layout) {
  const int margin = g.Mm(1.5);
  const int dm_module = g.dpi == 203 ? 3 : 4;
  absl::StatusOr<DataMatrixElement> dm =
      DataMatrixAt(label.isbt128().compound_message(), dm_module);
  if (!dm.ok()) return dm.status();
  dm->x = margin;
  dm->y = margin;
  const int text_x = dm->x + dm->columns * dm_module + g.Mm(1.5);
  const int column = layout.width - margin - text_x;
  const int height = g.Mm(1.9);

  const labels::v1::Isbt128Data& isbt = label.isbt128();
  const Isbt128Code& din = isbt.donation_identification();
  if (PlaceEyeReadable(din.eye_readable(), din.check_character(), text_x,
                       margin, height, /*bold=*/true, layout) > column) {
    return DoesNotFit(label, stock);
  }
  const labels::v1::LabelText& text = label.text();
  std::vector<Line> lines;
  if (label.reprint()) lines.push_back({"REPRINT", height, true});
  lines.push_back({text.product_name(), height, true});
  if (!isbt.product_code().data().empty()) {
    lines.push_back({isbt.product_code().eye_readable(), height, false});
  }
  if (!text.cells_and_volume().empty()) {
    lines.push_back({text.cells_and_volume(), height, false});
  }
  if (!isbt.collection().data().empty()) {
    lines.push_back({absl::StrCat("COLL ", isbt.collection().eye_readable()),
                     height, false});
  }
  if (!isbt.expiration().data().empty()) {
    lines.push_back(
        {absl::StrCat("EXP ", isbt.expiration().eye_readable()), height, true});
  }
  if (!text.storage().empty()) lines.push_back({text.storage(), height, false});
  for (const std::string& detail : text.details()) {
    lines.push_back({detail, height, false});
  }
  if (!text.investigational_statement().empty()) {
    lines.push_back({text.investigational_statement(), height, false});
  }
  lines.push_back({label.item_id(), height, false});
  const int first =
      margin + static_cast<int>(std::lround(height * kLinePitch)) + height / 3;
  const int end = PlaceLines(lines, text_x, first, column, layout);
  const int bottom = layout.height - margin;
  if (end > bottom || dm->y + dm->rows * dm_module > bottom) {
    return DoesNotFit(label, stock);
  }
  layout.elements.push_back(*std::move(dm));
  return layout;
}

}  // namespace

bool SupportedDpi(int dpi) { return dpi == 203 || dpi == 300; }

absl::StatusOr<Layout> LayOut(const Label& label, int dpi) {
  if (!SupportedDpi(dpi)) return InvalidField("dpi", "203 or 300");
  CC_RETURN_IF_ERROR(CheckLabel(label));
  const Geometry g{dpi};
  const Stock stock = StockFor(label.type());
  Layout layout;
  layout.dpi = dpi;
  layout.width = g.In(stock.width_in);
  layout.height = g.In(stock.height_in);
  std::string type = labels::v1::LabelType_Name(label.type())
                         .substr(std::string_view("LABEL_TYPE_").size());
  for (char& c : type) c = c == '_' ? ' ' : static_cast<char>(c - 'A' + 'a');
  layout.title = absl::StrCat(type, " label ", label.item_id());
  if (stock.small) return LayOutSmall(label, g, stock, std::move(layout));
  return LayOutLarge(label, g, stock, std::move(layout));
}

std::vector<std::string> LinearCodesOf(const Layout& layout) {
  std::vector<std::string> out;
  for (const Element& element : layout.elements) {
    if (const auto* code = std::get_if<Code128Element>(&element)) {
      out.push_back(code->data);
    }
  }
  return out;
}

std::vector<std::string> DataMatricesOf(const Layout& layout) {
  std::vector<std::string> out;
  for (const Element& element : layout.elements) {
    if (const auto* dm = std::get_if<DataMatrixElement>(&element)) {
      out.push_back(dm->data);
    }
  }
  return out;
}

}  // namespace cellchain::label
