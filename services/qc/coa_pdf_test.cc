#include "services/qc/coa_pdf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

// The certificate is checked the way a reader checks it: the text that
// poppler extracts (pdftotext, pdfinfo from poppler-utils), not libharu's
// own view of what it drew.

namespace cellchain::qc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void AddLine(v1::CertificateContent& content, std::string code,
             std::string name, std::string method, std::string criterion,
             std::string result, std::string unit, std::string verdict) {
  v1::CertificateLine* line = content.add_lines();
  line->set_test_code(std::move(code));
  line->set_test_name(std::move(name));
  line->set_method(std::move(method));
  line->set_criterion(std::move(criterion));
  line->set_result(std::move(result));
  line->set_unit(std::move(unit));
  line->set_verdict(std::move(verdict));
  line->set_result_id(absl::StrCat("res_", content.lines_size()));
}

void AddSignature(v1::CertificateContent& content, std::string what,
                  std::string name, std::string user_id,
                  common::v1::SignatureMeaning meaning, int64_t unix_seconds,
                  std::string record_id) {
  v1::CertificateSignature* signature = content.add_signatures();
  signature->set_what(std::move(what));
  signature->set_printed_name(std::move(name));
  signature->set_user_id(std::move(user_id));
  signature->set_meaning(meaning);
  signature->mutable_signed_at()->set_seconds(unix_seconds);
  signature->set_record_id(std::move(record_id));
}

// 2026-12-03 14:05:09 UTC.
constexpr int64_t kIssuedAt = 1796306709;

// A lot released against the default specification; with
// `sterility_pending`, released conditionally with sterility still out.
v1::CertificateContent DefaultContent(bool sterility_pending = false) {
  v1::CertificateContent content;
  content.set_product("UC-MSC, RegenHeart");
  content.set_din("W1234 26 000123 K");
  content.set_lot_id("qcl_7f3a9c21");
  content.set_batch_id("bat_55e0d1aa");
  content.set_product_item_id("itm_0c9b44f2");
  content.set_specification_name("RH-UCMSC-RELEASE");
  content.set_specification_version(3);
  content.set_specification_id("spc_a81c02e7");
  content.set_disposition(sterility_pending
                              ? v1::LOT_STATE_CONDITIONALLY_RELEASED
                              : v1::LOT_STATE_RELEASED);
  if (sterility_pending) content.add_pending_test_codes("STERILITY");
  content.mutable_issued_at()->set_seconds(kIssuedAt);

  const std::string flow = "flow cytometry";
  AddLine(content, "VIABILITY", "Viability", "7-AAD flow cytometry", "≥ 70 %",
          "92.1", "%", "PASS");
  AddLine(content, "CD73", "CD73", flow, "≥ 95 %", "98.7", "%", "PASS");
  AddLine(content, "CD90", "CD90", flow, "≥ 95 %", "99.2", "%", "PASS");
  AddLine(content, "CD105", "CD105", flow, "≥ 95 %", "96.4", "%", "PASS");
  AddLine(content, "CD34", "CD34", flow, "≤ 2 %", "0.3", "%", "PASS");
  AddLine(content, "CD45", "CD45", flow, "≤ 2 %", "0.5", "%", "PASS");
  AddLine(content, "CD14_CD11B", "CD14 or CD11b", flow, "≤ 2 %", "0.8", "%",
          "PASS");
  AddLine(content, "CD19_CD79A", "CD19 or CD79α", flow, "≤ 2 %", "0.4", "%",
          "PASS");
  AddLine(content, "HLA_DR", "HLA-DR", flow, "≤ 2 %", "1.1", "%", "PASS");
  if (sterility_pending) {
    AddLine(content, "STERILITY", "Sterility",
            "Ph. Eur. 2.6.27, automated blood culture, 14 days", "no growth",
            "pending", "", "PENDING");
  } else {
    AddLine(content, "STERILITY", "Sterility",
            "Ph. Eur. 2.6.27, automated blood culture, 14 days", "no growth",
            "no growth", "", "PASS");
  }
  AddLine(content, "MYCOPLASMA", "Mycoplasma",
          "Ph. Eur. 2.6.7, qPCR, 10 µL template", "not detected",
          "not detected", "", "PASS");
  AddLine(content, "ENDOTOXIN", "Endotoxin", "Ph. Eur. 2.6.14, kinetic LAL",
          "< 0.5 [EU]/mL", "0.12", "[EU]/mL", "PASS");
  AddLine(content, "KARYOTYPE", "Karyotype", "G-banding, 20 metaphases",
          "normal", "normal", "", "PASS");
  AddLine(content, "VIABLE_CELL_COUNT", "Viable cell count",
          "automated count, trypan blue", "≥ 1.0E7 and ≤ 1.0E9 cells", "1.2E8",
          "cells", "PASS");

  AddSignature(content, "Specification approved", "Dr. Jana Nováková",
               "usr_qa_jnovakova", common::v1::SIGNATURE_MEANING_APPROVED,
               1795000000, "aud_000101");
  AddSignature(content, "Result entered (viability)", "Lukas Brenner",
               "usr_qc_lbrenner", common::v1::SIGNATURE_MEANING_PERFORMED,
               1796200000, "aud_000202");
  AddSignature(content, "Result reviewed (viability)", "Amira Haddad",
               "usr_qc_ahaddad", common::v1::SIGNATURE_MEANING_REVIEWED,
               1796203600, "aud_000203");
  AddSignature(content, "Lot disposed", "Dr. Sofia Marquez", "usr_qa_smarquez",
               common::v1::SIGNATURE_MEANING_RELEASED, kIssuedAt - 60,
               "aud_000310");
  return content;
}

std::string RenderOrDie(const v1::CertificateContent& content) {
  absl::StatusOr<std::string> pdf = RenderCertificatePdf(content);
  EXPECT_TRUE(pdf.ok()) << pdf.status();
  return pdf.value_or("");
}

std::string WriteTemp(const std::string& bytes, absl::string_view name) {
  // TempDir() ends in a slash; the prefix keeps clear of other files there.
  std::string path =
      absl::StrCat(testing::TempDir(), "certificate_test_", name, ".pdf");
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// stdout of `command`; the test fails if it does not exit 0.
std::string RunCommand(const std::string& command) {
  std::string out;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  EXPECT_EQ(pclose(pipe), 0) << command;
  return out;
}

// -q: poppler warns about libharu's ToUnicode CMap (see certificate.cc)
// on every run; the extracted text is what is under test.
std::string PdfText(const std::string& path, absl::string_view options = "") {
  return RunCommand(
      absl::StrCat("pdftotext -q -layout ", options, " '", path, "' -"));
}

std::string RenderedText(const v1::CertificateContent& content,
                         absl::string_view name) {
  return PdfText(WriteTemp(RenderOrDie(content), name));
}

int PageCount(const std::string& path) {
  for (absl::string_view line :
       absl::StrSplit(RunCommand(absl::StrCat("pdfinfo '", path, "'")), '\n')) {
    if (absl::ConsumePrefix(&line, "Pages:")) {
      int pages = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pages)) {
        return pages;
      }
    }
  }
  ADD_FAILURE() << "pdfinfo printed no page count for " << path;
  return 0;
}

// The extracted lines on which a table row starts: its first cell opens
// the first line, and -layout keeps the row's other cells beside it; the
// lines after hold what wrapped.
std::string RowStartingWith(const std::string& text, absl::string_view first,
                            int lines = 1) {
  std::vector<absl::string_view> all = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < all.size(); ++i) {
    if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(all[i]), first)) {
      std::string row;
      for (size_t k = i; k < all.size() && k < i + lines; ++k) {
        absl::StrAppend(&row, all[k], "\n");
      }
      return row;
    }
  }
  return "";
}

// Whether every word of `words` occurs in `text` in that order (a wrapped
// cell's words are on consecutive lines, between the other cells').
bool HasWordsInOrder(absl::string_view text, absl::string_view words) {
  size_t at = 0;
  for (absl::string_view word : absl::StrSplit(words, ' ', absl::SkipEmpty())) {
    at = text.find(word, at);
    if (at == absl::string_view::npos) return false;
    at += word.size();
  }
  return true;
}

// Poppler reads a line made only of one-character words with equal gaps
// ("≤ 2 %") as one letter-spaced word and prints it without spaces
// ("≤2%"), whatever the producer; a cell is compared without spaces then.
std::string WithoutSpaces(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ') out += c;
  }
  return out;
}

TEST(RenderCertificatePdfTest, IsAPdfDocument) {
  std::string pdf = RenderOrDie(DefaultContent());
  EXPECT_TRUE(absl::StartsWith(pdf, "%PDF-")) << pdf.substr(0, 16);
  EXPECT_THAT(pdf.substr(pdf.size() > 16 ? pdf.size() - 16 : 0),
              HasSubstr("%%EOF"));
  std::string info =
      RunCommand(absl::StrCat("pdfinfo '", WriteTemp(pdf, "info"), "'"));
  EXPECT_THAT(info, HasSubstr("A4"));
  EXPECT_THAT(info, HasSubstr("Creator:         cellchain qc"));
  EXPECT_THAT(info,
              HasSubstr("Certificate of Analysis, DIN W1234 26 000123 K"));
}

TEST(RenderCertificatePdfTest, ShowsTheLotAndItsSpecification) {
  std::string text = RenderedText(DefaultContent(), "lot");
  EXPECT_THAT(text, HasSubstr("Certificate of Analysis"));
  EXPECT_THAT(text, HasSubstr("UC-MSC, RegenHeart"));
  EXPECT_THAT(text, HasSubstr("W1234 26 000123 K"));
  EXPECT_THAT(text, HasSubstr("qcl_7f3a9c21"));
  EXPECT_THAT(text, HasSubstr("bat_55e0d1aa"));
  EXPECT_THAT(text, HasSubstr("itm_0c9b44f2"));
  EXPECT_THAT(text, HasSubstr("RH-UCMSC-RELEASE, version 3 (spc_a81c02e7)"));
  EXPECT_THAT(RowStartingWith(text, "Disposition"), HasSubstr("RELEASED"));
  EXPECT_THAT(RowStartingWith(text, "Issued at"),
              HasSubstr("2026-12-03 14:05:09 UTC"));
  EXPECT_THAT(text, Not(HasSubstr("Pending at release")));
  EXPECT_THAT(text, Not(HasSubstr("CONDITIONALLY")));
}

TEST(RenderCertificatePdfTest, ShowsEveryTestOnItsOwnRow) {
  v1::CertificateContent content = DefaultContent();
  std::string text = RenderedText(content, "rows");
  for (const v1::CertificateLine& line : content.lines()) {
    std::string row = RowStartingWith(text, line.test_name());
    ASSERT_FALSE(row.empty()) << line.test_name() << " in\n" << text;
    EXPECT_THAT(WithoutSpaces(row), HasSubstr(WithoutSpaces(line.criterion())))
        << line.test_name();
    EXPECT_THAT(row, HasSubstr(line.verdict())) << line.test_name();
    std::string result = line.unit().empty()
                             ? line.result()
                             : absl::StrCat(line.result(), " ", line.unit());
    EXPECT_THAT(row, HasSubstr(result)) << line.test_name();
    EXPECT_TRUE(HasWordsInOrder(RowStartingWith(text, line.test_name(), 2),
                                line.method()))
        << line.method() << " in\n"
        << text;
  }
}

TEST(RenderCertificatePdfTest, NonAsciiTextExtractsAsWritten) {
  std::string path = WriteTemp(RenderOrDie(DefaultContent()), "utf8");
  std::string text = PdfText(path);
  EXPECT_THAT(RowStartingWith(text, "Viability"), HasSubstr("≥ 70 %"));
  EXPECT_THAT(RowStartingWith(text, "CD19 or CD79α"), HasSubstr("0.4 %"));
  EXPECT_THAT(text, HasSubstr("10 µL"));
  EXPECT_THAT(text, HasSubstr("Dr. Jana Nováková"));
  // The layout modes print "≤2%" (see WithoutSpaces); content order keeps
  // the spaces, so they are in the document.
  EXPECT_THAT(RowStartingWith(text, "HLA-DR"), HasSubstr("≤2%"));
  EXPECT_THAT(RunCommand(absl::StrCat("pdftotext -q -raw '", path, "' -")),
              HasSubstr("HLA-DR flow cytometry ≤ 2 % 1.1 % PASS"));
}

TEST(RenderCertificatePdfTest, ShowsEverySignatureWithNameMeaningAndTime) {
  v1::CertificateContent content = DefaultContent();
  std::string text = RenderedText(content, "signatures");
  EXPECT_THAT(text, HasSubstr("Electronic signatures (21 CFR 11.50)"));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"APPROVED", "2026-11-18 11:06:40 UTC"},
      {"PERFORMED", "2026-12-02 08:26:40 UTC"},
      {"REVIEWED", "2026-12-02 09:26:40 UTC"},
      {"RELEASED", "2026-12-03 14:04:09 UTC"},
  };
  ASSERT_EQ(content.signatures_size(), static_cast<int>(expected.size()));
  for (int i = 0; i < content.signatures_size(); ++i) {
    const v1::CertificateSignature& signature = content.signatures(i);
    // The user id is on the line under the printed name.
    std::string row = RowStartingWith(text, signature.what(), 2);
    ASSERT_FALSE(row.empty()) << signature.what() << " in\n" << text;
    EXPECT_THAT(row, HasSubstr(signature.printed_name()));
    EXPECT_THAT(row, HasSubstr(signature.user_id()));
    EXPECT_THAT(row, HasSubstr(expected[i].first));
    EXPECT_THAT(row, HasSubstr(expected[i].second));
    EXPECT_THAT(row, HasSubstr(signature.record_id()));
    EXPECT_THAT(row, Not(HasSubstr("SIGNATURE_MEANING")));
  }
}

TEST(RenderCertificatePdfTest, ConditionalReleaseNamesThePendingTests) {
  std::string text =
      RenderedText(DefaultContent(/*sterility_pending=*/true), "conditional");
  EXPECT_THAT(RowStartingWith(text, "Disposition"),
              HasSubstr("CONDITIONALLY RELEASED"));
  EXPECT_THAT(RowStartingWith(text, "Pending at release"),
              HasSubstr("STERILITY"));
  std::string sterility = RowStartingWith(text, "Sterility");
  EXPECT_THAT(sterility, HasSubstr("no growth"));  // the criterion
  EXPECT_THAT(sterility, HasSubstr("pending"));
  EXPECT_THAT(sterility, HasSubstr("PENDING"));
}

TEST(RenderCertificatePdfTest, SixtyLinesBreakOntoPagesWithoutLosingAny) {
  v1::CertificateContent content = DefaultContent();
  content.clear_lines();
  for (int i = 1; i <= 60; ++i) {
    AddLine(content, absl::StrCat("T", i), absl::StrFormat("Assay %02d", i),
            "flow cytometry, 10 000 events", "≥ 95 %",
            absl::StrFormat("9%d.%d", i % 10, i % 7), "%", "PASS");
  }
  for (int i = 1; i <= 30; ++i) {
    AddSignature(content, absl::StrFormat("Result reviewed %02d", i),
                 absl::StrFormat("Reviewer %02d", i), "usr_qc_reviewer",
                 common::v1::SIGNATURE_MEANING_REVIEWED, kIssuedAt - 600 * i,
                 absl::StrFormat("aud_%06d", 500 + i));
  }
  std::string path = WriteTemp(RenderOrDie(content), "sixty");
  const int pages = PageCount(path);
  EXPECT_GT(pages, 1);

  std::string all = PdfText(path);
  for (const v1::CertificateLine& line : content.lines()) {
    std::string row = RowStartingWith(all, line.test_name());
    EXPECT_THAT(row, HasSubstr(absl::StrCat(line.result(), " %")))
        << line.test_name();
  }
  for (const v1::CertificateSignature& signature : content.signatures()) {
    EXPECT_THAT(RowStartingWith(all, signature.what()),
                HasSubstr(signature.printed_name()));
  }
  // Each page carries the lot and its number, and a page with results
  // repeats the table's header, so that a page read alone makes sense.
  for (int page = 1; page <= pages; ++page) {
    std::string text =
        PdfText(path, absl::StrFormat("-f %d -l %d", page, page));
    EXPECT_THAT(text, HasSubstr(absl::StrFormat("Page %d of %d", page, pages)));
    EXPECT_THAT(text, HasSubstr("Lot qcl_7f3a9c21"));
    if (absl::StrContains(text, "Assay ")) {
      EXPECT_THAT(text, HasSubstr("Acceptance criterion")) << "page " << page;
    }
  }
}

struct Word {
  double x_min, y_min, x_max;
  std::string text;
};

// The words pdftotext -bbox finds, in its reading order.
std::vector<Word> Words(const std::string& path) {
  std::string html =
      RunCommand(absl::StrCat("pdftotext -q -bbox '", path, "' -"));
  static const std::regex kWord(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>)re");
  std::vector<Word> words;
  for (std::sregex_iterator it(html.begin(), html.end(), kWord), end; it != end;
       ++it) {
    const std::smatch& m = *it;
    words.push_back(
        {std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), m[4].str()});
  }
  return words;
}

const Word* Find(const std::vector<Word>& words, absl::string_view text) {
  for (const Word& word : words) {
    if (word.text == text) return &word;
  }
  return nullptr;
}

TEST(RenderCertificatePdfTest, LongMethodWrapsInsideItsColumn) {
  v1::CertificateContent content = DefaultContent();
  content.clear_lines();
  content.clear_signatures();
  const std::string method =
      "Ph. Eur. 2.6.27 membrane filtration into fluid thioglycollate and "
      "soya-bean casein digest media, incubated 14 days at 20-25 °C and "
      "30-35 °C, read on days 3, 7 and 14 by two analysts, with "
      "growth-promotion controls BACTALERT-LOT-2026-0042-XYZ-REFERENCE";
  AddLine(content, "STERILITY", "Sterility", method, "no growth", "no growth",
          "", "PASS");
  std::vector<Word> words = Words(WriteTemp(RenderOrDie(content), "wrap"));

  const Word* method_header = Find(words, "Method");
  const Word* criterion_header = Find(words, "Acceptance");
  const Word* next_section = Find(words, "Electronic");
  ASSERT_NE(method_header, nullptr);
  ASSERT_NE(criterion_header, nullptr);
  ASSERT_NE(next_section, nullptr);
  std::vector<std::string> shown;
  std::vector<double> line_tops;
  for (const Word& word : words) {
    if (word.y_min <= method_header->y_min ||
        word.y_min >= next_section->y_min ||
        word.x_min < method_header->x_min - 1 ||
        word.x_min >= criterion_header->x_min) {
      continue;
    }
    // Nothing in the method's column reaches into the criterion's.
    EXPECT_LT(word.x_max, criterion_header->x_min) << word.text;
    shown.push_back(word.text);
    if (line_tops.empty() || line_tops.back() != word.y_min) {
      line_tops.push_back(word.y_min);
    }
  }
  // Every word, in order; the one longer than the column is broken across
  // lines without a character lost or added.
  std::string joined;
  for (const std::string& word : shown) joined += word;
  std::string expected;
  for (char c : method) {
    if (c != ' ') expected += c;
  }
  EXPECT_EQ(joined, expected);
  EXPECT_GE(line_tops.size(), 4u);
}

TEST(RenderCertificatePdfTest, SameContentRendersToTheSameBytes) {
  std::string first = RenderOrDie(DefaultContent());
  std::string second = RenderOrDie(DefaultContent());
  EXPECT_EQ(first, second);
  v1::CertificateContent other = DefaultContent();
  other.set_din("W1234 26 000124 M");
  EXPECT_NE(RenderOrDie(other), first);
  EXPECT_THAT(
      RunCommand(absl::StrCat("pdfinfo '", WriteTemp(first, "dates"), "'")),
      Not(HasSubstr("CreationDate")));
}

TEST(RenderCertificatePdfTest, TextThePdfCannotCarryIsMarkedNotDropped) {
  v1::CertificateContent content = DefaultContent();
  content.clear_lines();
  // An emoji (beyond the BMP), a byte that is not UTF-8, a newline.
  AddLine(content, "KARYOTYPE", "Karyotype \xF0\x9F\x98\x80 check",
          "G-banding\n20 metaphases", "normal", "nor\xFFmal", "", "PASS");
  std::string text = RenderedText(content, "marked");
  std::string row = RowStartingWith(text, "Karyotype", 2);
  EXPECT_TRUE(HasWordsInOrder(row, "Karyotype \xEF\xBF\xBD check")) << row;
  EXPECT_THAT(row, HasSubstr("G-banding 20 metaphases"));
  EXPECT_THAT(row, HasSubstr("nor\xEF\xBF\xBDmal"));
}

}  // namespace
}  // namespace cellchain::qc
