#include "services/qc/coa_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace cellchain::qc {
namespace {

// DejaVu covers every character the records use (≥ ≤ α µ °) and ships in
// Debian as fonts-dejavu-core, a dependency of most desktop-less images.
constexpr char kRegularFontPath[] =
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr char kBoldFontPath[] =
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr char kFontPackage[] = "fonts-dejavu-core";

// Geometry in PDF points (1/72 inch), origin bottom left. A4 portrait.
constexpr float kMarginLeft = 50;
constexpr float kMarginRight = 50;
constexpr float kMarginTop = 50;
// Room for the footer below the body.
constexpr float kBodyBottom = 60;
constexpr float kFooterBaseline = 32;

constexpr float kTitleSize = 18;
constexpr float kHeadingSize = 12;
constexpr float kFieldSize = 10;
constexpr float kTableSize = 8.5;
constexpr float kFooterSize = 8;
// Baseline-to-baseline distance as a multiple of the font size.
constexpr float kLeading = 1.25;
// Space between a table cell's text and its rules.
constexpr float kCellPadX = 3;
constexpr float kCellPadY = 3;
constexpr float kFieldLabelWidth = 120;
// A cell longer than this is cut with an ellipsis: it guarantees that every
// row fits on one page (a row is never split across pages, so that a
// reader never has to join a result to its test over a page break).
constexpr int kMaxCellLines = 30;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kEllipsis[] = "\xE2\x80\xA6";     // U+2026

// The first error libharu reports: the later ones are usually its
// consequences (a call on a page that could not be created).
struct HaruError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void RecordHaruError(HPDF_STATUS code, HPDF_STATUS detail, void* user_data) {
  auto* error = static_cast<HaruError*>(user_data);
  if (error->code == HPDF_OK) {
    error->code = code;
    error->detail = detail;
  }
}

absl::Status InternalFrom(const HaruError& error, absl::string_view during) {
  return absl::InternalError(absl::StrFormat(
      "libharu error 0x%04X (detail %u) while %s the certificate of analysis",
      error.code, error.detail, during));
}

struct DocFree {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using DocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocFree>;

// libharu 2.3.0's UTF-8 encoder silently drops bytes that are not UTF-8
// and code points beyond the Basic Multilingual Plane (its codes are two
// bytes), and control characters have no glyph. A certificate must not
// lose text without a trace, so those become U+FFFD (visible and
// extractable) and controls (a newline typed into a field) become spaces.
std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = 0;
    uint32_t code_point = 0;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (int k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    // Overlong forms and surrogates are not UTF-8 either.
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && code_point >= kMinimum[length] &&
            !(code_point >= 0xD800 && code_point <= 0xDFFF);
    if (!valid) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0)) {
      out += ' ';
    } else if (code_point > 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(text.data() + i, length);
    }
    i += length;
  }
  return out;
}

// The byte length of the UTF-8 sequence that starts at text[0]; Printable
// text is valid UTF-8, so the lead byte alone tells.
size_t CodePointLength(absl::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

// Measured through the font rather than HPDF_Page_TextWidth because layout
// decides where a row goes (this page or the next) before anything is
// drawn, and setting the page's font only to measure would write a Tf
// operator into the content stream each time. It is the same computation
// HPDF_Page_TextWidth makes: we set no character or word spacing.
float TextWidth(HPDF_Font font, float size, absl::string_view text) {
  if (text.empty()) return 0;
  HPDF_TextWidth width =
      HPDF_Font_TextWidth(font, reinterpret_cast<const HPDF_BYTE*>(text.data()),
                          static_cast<HPDF_UINT>(text.size()));
  return static_cast<float>(width.width) * size / 1000;
}

// The longest prefix of `text` (whole code points, at least one so that
// wrapping always advances) no wider than `width`.
size_t FittingPrefix(HPDF_Font font, float size, absl::string_view text,
                     float width) {
  size_t end = CodePointLength(text);
  while (end < text.size()) {
    size_t next = end + CodePointLength(text.substr(end));
    if (TextWidth(font, size, text.substr(0, next)) > width) break;
    end = next;
  }
  return end;
}

// Cuts `lines` to kMaxCellLines, the last ending in an ellipsis, so that
// whatever the records hold every block fits on one page.
void Truncate(HPDF_Font font, float size, float width,
              std::vector<std::string>& lines) {
  if (lines.size() <= kMaxCellLines) return;
  lines.resize(kMaxCellLines);
  std::string& last = lines.back();
  while (!last.empty() &&
         TextWidth(font, size, absl::StrCat(last, kEllipsis)) > width) {
    // Drop the last code point: step back over continuation bytes.
    size_t end = last.size() - 1;
    while (end > 0 && (static_cast<unsigned char>(last[end]) & 0xC0) == 0x80) {
      --end;
    }
    last.resize(end);
  }
  last += kEllipsis;
}

// Word-wraps `text` into lines no wider than `width`, at most
// kMaxCellLines. A word wider than the column (a long record id) is broken
// between characters with no hyphen inserted: an id must read exactly as
// stored.
std::vector<std::string> Wrap(HPDF_Font font, float size,
                              absl::string_view text, float width) {
  const std::string printable = Printable(text);
  std::vector<std::string> lines;
  std::string line;
  for (absl::string_view word :
       absl::StrSplit(printable, ' ', absl::SkipEmpty())) {
    std::string candidate =
        line.empty() ? std::string(word) : absl::StrCat(line, " ", word);
    if (TextWidth(font, size, candidate) <= width) {
      line = std::move(candidate);
      continue;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    while (TextWidth(font, size, word) > width) {
      size_t cut = FittingPrefix(font, size, word, width);
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    line = std::string(word);
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  Truncate(font, size, width, lines);
  return lines;
}

// "CONDITIONALLY_RELEASED" -> "CONDITIONALLY RELEASED": the enum's name
// without its prefix, as QA says it.
std::string EnumWords(const std::string& name, absl::string_view prefix,
                      int value) {
  if (name.empty()) return absl::StrCat("UNKNOWN (", value, ")");
  return absl::StrReplaceAll(absl::StripPrefix(name, prefix), {{"_", " "}});
}

// Seconds are what people compare with the audit trail; the records keep
// the exact time. Truncated, never rounded up past the moment itself.
std::string UtcTime(const google::protobuf::Timestamp& time, bool present) {
  if (!present) return "not recorded";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

// A table cell: paragraphs, each starting on a new line (a signer's name,
// then the user id).
using Cell = std::vector<std::string>;
using Row = std::vector<Cell>;

struct Column {
  Cell title;
  float width;
  bool bold = false;
};

// A cell laid out: the lines of all its paragraphs.
using Lines = std::vector<std::string>;

// Lays the certificate out top to bottom, starting a new page when the next
// block does not fit. Every page is kept so that the footers ("page i of
// n") can be written once the number of pages is known.
class Layout {
 public:
  Layout(HPDF_Doc doc, HPDF_Font regular, HPDF_Font bold)
      : doc_(doc), regular_(regular), bold_(bold) {
    NewPage();
  }

  void Title(absl::string_view text) {
    const float leading = kTitleSize * kLeading;
    Line(bold_, kTitleSize, kMarginLeft, y_ - kTitleSize, text);
    y_ -= leading + 6;
  }

  // A label and its value, the value wrapped beside the label.
  void Field(absl::string_view label, absl::string_view value) {
    const float leading = kFieldSize * kLeading;
    std::vector<std::string> lines =
        Wrap(regular_, kFieldSize, value, ContentWidth() - kFieldLabelWidth);
    EnsureRoom(leading * static_cast<float>(lines.size()));
    Line(bold_, kFieldSize, kMarginLeft, y_ - kFieldSize, label);
    for (const std::string& line : lines) {
      Line(regular_, kFieldSize, kMarginLeft + kFieldLabelWidth,
           y_ - kFieldSize, line);
      y_ -= leading;
    }
  }

  // A section heading, kept on the same page as what follows it
  // (`keep_with` points of it).
  void Heading(absl::string_view text, float keep_with) {
    const float height = kHeadingSize * kLeading + 4;
    y_ -= 10;
    EnsureRoom(height + keep_with);
    Line(bold_, kHeadingSize, kMarginLeft, y_ - kHeadingSize, text);
    y_ -= height;
  }

  void Paragraph(absl::string_view text) {
    const float leading = kFieldSize * kLeading;
    for (const std::string& line :
         Wrap(regular_, kFieldSize, text, ContentWidth())) {
      EnsureRoom(leading);
      Line(regular_, kFieldSize, kMarginLeft, y_ - kFieldSize, line);
      y_ -= leading;
    }
  }

  // The height of the header and first row, for Heading's keep_with.
  float TableStart(const std::vector<Column>& columns, const Row* first_row) {
    float height = RowHeight(HeaderLines(columns));
    if (first_row != nullptr) {
      height += RowHeight(RowLines(columns, *first_row, /*header=*/false));
    }
    return height;
  }

  // One row per entry of `rows` (a cell per column). The header is
  // repeated at the top of every page the table continues on.
  void Table(const std::vector<Column>& columns, const std::vector<Row>& rows) {
    const std::vector<Lines> header = HeaderLines(columns);
    DrawRow(columns, header, /*header=*/true);
    for (const Row& row : rows) {
      const std::vector<Lines> cells = RowLines(columns, row, /*header=*/false);
      if (y_ - RowHeight(cells) < kBodyBottom) {
        NewPage();
        DrawRow(columns, header, /*header=*/true);
      }
      DrawRow(columns, cells, /*header=*/false);
    }
  }

  // Identifies the lot on every page, so that a loose page can be traced,
  // and says how many pages there are, so that a missing one is noticed.
  void Footers(absl::string_view left) {
    const std::string left_text = Printable(left);
    const size_t count = pages_.size();
    for (size_t i = 0; i < count; ++i) {
      page_ = pages_[i];
      const std::string right = absl::StrCat("Page ", i + 1, " of ", count);
      const float right_x = HPDF_Page_GetWidth(page_) - kMarginRight -
                            TextWidth(regular_, kFooterSize, right);
      HPDF_Page_SetGrayStroke(page_, 0.5);
      HPDF_Page_SetLineWidth(page_, 0.5);
      HPDF_Page_MoveTo(page_, kMarginLeft, kFooterBaseline + 11);
      HPDF_Page_LineTo(page_, HPDF_Page_GetWidth(page_) - kMarginRight,
                       kFooterBaseline + 11);
      HPDF_Page_Stroke(page_);
      Line(regular_, kFooterSize, kMarginLeft, kFooterBaseline, left_text);
      Line(regular_, kFooterSize, right_x, kFooterBaseline, right);
    }
  }

 private:
  float ContentWidth() const {
    return HPDF_Page_GetWidth(page_) - kMarginLeft - kMarginRight;
  }

  void NewPage() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page_);
    y_ = HPDF_Page_GetHeight(page_) - kMarginTop;
  }

  void EnsureRoom(float height) {
    if (y_ - height < kBodyBottom) NewPage();
  }

  void Line(HPDF_Font font, float size, float x, float baseline,
            absl::string_view text) {
    if (text.empty()) return;
    const std::string owned(text);  // HPDF_Page_TextOut wants a C string
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font, size);
    HPDF_Page_TextOut(page_, x, baseline, owned.c_str());
    HPDF_Page_EndText(page_);
  }

  HPDF_Font CellFont(const Column& column, bool header) const {
    return header || column.bold ? bold_ : regular_;
  }

  std::vector<Lines> HeaderLines(const std::vector<Column>& columns) const {
    Row titles;
    for (const Column& column : columns) titles.push_back(column.title);
    return RowLines(columns, titles, /*header=*/true);
  }

  std::vector<Lines> RowLines(const std::vector<Column>& columns,
                              const Row& row, bool header) const {
    std::vector<Lines> cells;
    for (size_t i = 0; i < columns.size(); ++i) {
      HPDF_Font font = CellFont(columns[i], header);
      const float width = columns[i].width - 2 * kCellPadX;
      Lines lines;
      if (i < row.size()) {
        for (const std::string& paragraph : row[i]) {
          Lines wrapped = Wrap(font, kTableSize, paragraph, width);
          lines.insert(lines.end(), wrapped.begin(), wrapped.end());
        }
      }
      Truncate(font, kTableSize, width, lines);
      cells.push_back(std::move(lines));
    }
    return cells;
  }

  static float RowHeight(const std::vector<Lines>& cells) {
    size_t lines = 1;
    for (const Lines& cell : cells) lines = std::max(lines, cell.size());
    return static_cast<float>(lines) * kTableSize * kLeading + 2 * kCellPadY;
  }

  void DrawRow(const std::vector<Column>& columns,
               const std::vector<Lines>& cells, bool header) {
    const float height = RowHeight(cells);
    float x = kMarginLeft;
    for (size_t i = 0; i < columns.size(); ++i) {
      HPDF_Font font = CellFont(columns[i], header);
      float baseline = y_ - kCellPadY - kTableSize;
      for (const std::string& line : cells[i]) {
        Line(font, kTableSize, x + kCellPadX, baseline, line);
        baseline -= kTableSize * kLeading;
      }
      x += columns[i].width;
    }
    y_ -= height;
    // A heavier rule under the header than between rows.
    HPDF_Page_SetGrayStroke(page_, header ? 0 : 0.7);
    HPDF_Page_SetLineWidth(page_, header ? 0.8 : 0.3);
    HPDF_Page_MoveTo(page_, kMarginLeft, y_);
    HPDF_Page_LineTo(page_, x, y_);
    HPDF_Page_Stroke(page_);
  }

  HPDF_Doc doc_;
  HPDF_Font regular_;
  HPDF_Font bold_;
  std::vector<HPDF_Page> pages_;
  HPDF_Page page_ = nullptr;
  float y_ = 0;  // the top of the next block
};

absl::Status RequireReadable(const char* path) {
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "font file ", path, " is missing (Debian package ", kFontPackage, ")"));
  }
  std::fclose(file);
  return absl::OkStatus();
}

std::string ResultText(const v1::CertificateLine& line) {
  if (line.unit().empty() || line.result().empty() ||
      line.verdict() == "PENDING") {
    return line.result();
  }
  return absl::StrCat(line.result(), " ", line.unit());
}

void LayOut(const v1::CertificateContent& content, Layout& layout) {
  layout.Title("Certificate of Analysis");
  layout.Field("Product", content.product());
  layout.Field("DIN", content.din());
  layout.Field("Lot", content.lot_id());
  layout.Field("Batch", content.batch_id());
  layout.Field("Product item", content.product_item_id());
  layout.Field("Specification",
               absl::StrCat(content.specification_name(), ", version ",
                            content.specification_version(), " (",
                            content.specification_id(), ")"));
  layout.Field("Disposition",
               EnumWords(v1::LotState_Name(content.disposition()), "LOT_STATE_",
                         content.disposition()));
  if (!content.pending_test_codes().empty()) {
    layout.Field("Pending at release",
                 absl::StrJoin(content.pending_test_codes(), ", "));
  }
  layout.Field("Issued at",
               UtcTime(content.issued_at(), content.has_issued_at()));

  // Widths add up to the A4 content width (595.28 - 100 points) and are
  // chosen so that the default specification's criteria and a UTC time
  // each fit on one line.
  const std::vector<Column> results = {{{"Test"}, 88},
                                       {{"Method"}, 145},
                                       {{"Acceptance criterion"}, 120},
                                       {{"Result"}, 90},
                                       {{"Verdict"}, 52, /*bold=*/true}};
  std::vector<Row> result_rows;
  for (const v1::CertificateLine& line : content.lines()) {
    result_rows.push_back({{line.test_name()},
                           {line.method()},
                           {line.criterion()},
                           {ResultText(line)},
                           {line.verdict()}});
  }
  layout.Heading(
      "Test results",
      layout.TableStart(results,
                        result_rows.empty() ? nullptr : &result_rows.front()));
  if (result_rows.empty()) {
    layout.Paragraph("No tests recorded.");
  } else {
    layout.Table(results, result_rows);
  }

  const std::vector<Column> signatures = {{{"Signed record"}, 118},
                                          {{"Printed name", "User id"}, 100},
                                          {{"Meaning"}, 60},
                                          {{"Signed at"}, 117},
                                          {{"Record id"}, 100}};
  std::vector<Row> signature_rows;
  for (const v1::CertificateSignature& signature : content.signatures()) {
    signature_rows.push_back(
        {{signature.what()},
         {signature.printed_name(), signature.user_id()},
         {EnumWords(common::v1::SignatureMeaning_Name(signature.meaning()),
                    "SIGNATURE_MEANING_", signature.meaning())},
         {UtcTime(signature.signed_at(), signature.has_signed_at())},
         {signature.record_id()}});
  }
  layout.Heading("Electronic signatures (21 CFR 11.50)",
                 layout.TableStart(signatures, signature_rows.empty()
                                                   ? nullptr
                                                   : &signature_rows.front()));
  if (signature_rows.empty()) {
    layout.Paragraph("No electronic signatures recorded.");
  } else {
    layout.Table(signatures, signature_rows);
  }

  layout.Footers(absl::StrCat("Certificate of Analysis \xC2\xB7 DIN ",
                              content.din(), " \xC2\xB7 Lot ",
                              content.lot_id()));
}

}  // namespace

absl::StatusOr<std::string> RenderCertificatePdf(
    const v1::CertificateContent& content) {
  absl::Status fonts = RequireReadable(kRegularFontPath);
  if (fonts.ok()) fonts = RequireReadable(kBoldFontPath);
  if (!fonts.ok()) return fonts;

  // Declared before the document: the handler may run until HPDF_Free.
  HaruError error;
  DocPtr doc(HPDF_New(&RecordHaruError, &error));
  if (doc == nullptr) {
    return absl::InternalError(
        "libharu could not allocate a document for the certificate");
  }
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
  // UTF-8 into an embedded TrueType font (Type0, Identity-H, each code
  // being the character's Unicode code point): no single-byte encoding of
  // libharu holds ≥, ≤, α and µ together. The ToUnicode CMap libharu
  // 2.3.0 writes for such a font is a copy of its encoder's CID map
  // (begincidrange), which is not valid in a ToUnicode map: poppler
  // (pdftotext) warns "Invalid 'begincidrange' operator in ToUnicode CMap"
  // and falls back to the codes, which are Unicode, so the text extracts
  // as written (tested). A reader without that fallback may not copy
  // non-ASCII characters correctly.
  HPDF_UseUTFEncodings(doc.get());
  HPDF_SetCurrentEncoder(doc.get(), "UTF-8");
  const char* regular_name =
      HPDF_LoadTTFontFromFile(doc.get(), kRegularFontPath, HPDF_TRUE);
  const char* bold_name =
      HPDF_LoadTTFontFromFile(doc.get(), kBoldFontPath, HPDF_TRUE);
  HPDF_Font regular = regular_name == nullptr
                          ? nullptr
                          : HPDF_GetFont(doc.get(), regular_name, "UTF-8");
  HPDF_Font bold = bold_name == nullptr
                       ? nullptr
                       : HPDF_GetFont(doc.get(), bold_name, "UTF-8");
  if (error.code != HPDF_OK || regular == nullptr || bold == nullptr) {
    return InternalFrom(error, "loading the fonts of");
  }

  // No creation or modification date, and libharu writes no /ID unless
  // the file is encrypted: the same content renders to the same bytes
  // (with the same libharu, zlib and font files), so a certificate's
  // SHA-256 identifies what it shows.
  const std::string title =
      Printable(absl::StrCat("Certificate of Analysis, DIN ", content.din(),
                             ", lot ", content.lot_id()));
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, title.c_str());
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "cellchain qc");

  Layout layout(doc.get(), regular, bold);
  LayOut(content, layout);
  if (error.code != HPDF_OK) return InternalFrom(error, "laying out");

  if (HPDF_SaveToStream(doc.get()) != HPDF_OK || error.code != HPDF_OK) {
    return InternalFrom(error, "saving");
  }
  const HPDF_UINT32 size = HPDF_GetStreamSize(doc.get());
  std::string pdf(size, '\0');
  HPDF_UINT32 offset = 0;
  while (offset < size) {
    HPDF_UINT32 chunk = size - offset;
    const HPDF_STATUS status = HPDF_ReadFromStream(
        doc.get(), reinterpret_cast<HPDF_BYTE*>(pdf.data()) + offset, &chunk);
    offset += chunk;
    // HPDF_STREAM_EOF comes with the last bytes and is no error.
    if (status == HPDF_STREAM_EOF || chunk == 0) break;
    if (status != HPDF_OK) return InternalFrom(error, "reading");
  }
  if (error.code != HPDF_OK) return InternalFrom(error, "reading");
  if (offset != size) {
    return absl::InternalError(absl::StrFormat(
        "libharu returned %u of the certificate's %u bytes", offset, size));
  }
  return pdf;
}

}  // namespace cellchain::qc
