#include "clients/label/preview.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/label/zint_symbols.h"
#include "services/common/status/status.h"

namespace cellchain::label {
namespace {

constexpr char kRegularFontPath[] =
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr char kBoldFontPath[] =
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr char kFontPackage[] = "fonts-dejavu-core";

std::mutex& RenderMutex() {
  static std::mutex* mutex = new std::mutex;
  return *mutex;
}

// The two faces, loaded once and kept for the life of the process (cairo
// keeps references to the FreeType faces it is given).
struct Fonts {
  cairo_font_face_t* regular = nullptr;
  cairo_font_face_t* bold = nullptr;
  absl::Status status;
};

const Fonts& LoadFonts() {
  static const Fonts* fonts = [] {
    auto* f = new Fonts;
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library) != 0) {
      f->status = absl::InternalError("FreeType cannot start");
      return f;
    }
    FT_Face regular = nullptr;
    FT_Face bold = nullptr;
    if (FT_New_Face(library, kRegularFontPath, 0, &regular) != 0 ||
        FT_New_Face(library, kBoldFontPath, 0, &bold) != 0) {
      f->status =
          FailedRule("FONT_MISSING",
                     absl::StrCat("cannot read ", kRegularFontPath, " and ",
                                  kBoldFontPath, ": install ", kFontPackage));
      return f;
    }
    f->regular = cairo_ft_font_face_create_for_ft_face(regular, 0);
    f->bold = cairo_ft_font_face_create_for_ft_face(bold, 0);
    return f;
  }();
  return *fonts;
}

cairo_status_t AppendToString(void* closure, const unsigned char* data,
                              unsigned int length) {
  static_cast<std::string*>(closure)->append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

absl::Status CairoError(cairo_status_t status, const char* during) {
  return absl::InternalError(
      absl::StrCat("cairo: ", during, ": ", cairo_status_to_string(status)));
}

void DrawText(cairo_t* cr, const Fonts& fonts, const TextElement& text) {
  cairo_set_font_face(cr, text.bold ? fonts.bold : fonts.regular);
  cairo_set_font_size(cr, text.height);
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.text.c_str(), &extents);
  cairo_save(cr);
  // The line box's top is at y; the cap height of DejaVu is about 0.73 em,
  // so the baseline at y + 0.8 em keeps capitals inside the box as the
  // printer's font 0 does.
  cairo_translate(cr, text.x, text.y + 0.8 * text.height);
  if (text.max_width > 0 && extents.x_advance > text.max_width) {
    cairo_scale(cr, text.max_width / extents.x_advance, 1);
  }
  cairo_move_to(cr, 0, 0);
  cairo_show_text(cr, text.text.c_str());
  cairo_restore(cr);
}

void DrawSymbol(cairo_t* cr, const Symbol& symbol, int x, int y, int module,
                int bar_height) {
  for (const ModuleRect& r : symbol.dark) {
    const double height = bar_height > 0 ? bar_height : r.height * module;
    cairo_rectangle(cr, x + r.x * module, y + r.y * module, r.width * module,
                    height);
  }
  cairo_fill(cr);
}

absl::Status Draw(cairo_t* cr, const Layout& layout) {
  const Fonts& fonts = LoadFonts();
  if (!fonts.status.ok()) return fonts.status;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, layout.width, layout.height);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const Element& element : layout.elements) {
    if (const auto* text = std::get_if<TextElement>(&element)) {
      DrawText(cr, fonts, *text);
    } else if (const auto* box = std::get_if<BoxElement>(&element)) {
      // A ZPL ^GB box grows inwards from its outer edge; so does this one.
      const double t = box->thickness;
      cairo_set_line_width(cr, t);
      cairo_rectangle(cr, box->x + t / 2, box->y + t / 2, box->width - t,
                      box->height - t);
      cairo_stroke(cr);
    } else if (const auto* code = std::get_if<Code128Element>(&element)) {
      absl::StatusOr<Symbol> symbol = EncodeCode128(code->data);
      if (!symbol.ok()) return symbol.status();
      if (symbol->width != code->modules) {
        // The layout left room for the plan's width; a wider zint symbol
        // would eat its quiet zones.
        return absl::InternalError(
            absl::StrCat("zint encodes \"", code->data, "\" in ", symbol->width,
                         " modules, the layout planned ", code->modules));
      }
      DrawSymbol(cr, *symbol, code->x, code->y, code->module, code->height);
    } else if (const auto* dm = std::get_if<DataMatrixElement>(&element)) {
      absl::StatusOr<Symbol> symbol = EncodeDataMatrix(dm->data);
      if (!symbol.ok()) return symbol.status();
      DrawSymbol(cr, *symbol, dm->x, dm->y, dm->module, 0);
    }
  }
  cairo_status_t status = cairo_status(cr);
  if (status != CAIRO_STATUS_SUCCESS) return CairoError(status, "drawing");
  return absl::OkStatus();
}

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

}  // namespace

absl::StatusOr<std::string> RenderPng(const Layout& layout) {
  std::lock_guard<std::mutex> lock(RenderMutex());
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                layout.width, layout.height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()), "image surface");
  }
  {
    ContextPtr cr(cairo_create(surface.get()));
    // Bars and modules on whole pixels, crisp: a scanner reads edges.
    cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
    absl::Status drawn = Draw(cr.get(), layout);
    if (!drawn.ok()) return drawn;
  }
  std::string png;
  cairo_status_t status =
      cairo_surface_write_to_png_stream(surface.get(), AppendToString, &png);
  if (status != CAIRO_STATUS_SUCCESS) return CairoError(status, "PNG");
  return png;
}

absl::StatusOr<std::string> RenderPdf(const Layout& layout) {
  std::lock_guard<std::mutex> lock(RenderMutex());
  std::string pdf;
  const double points_per_dot = 72.0 / layout.dpi;
  {
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(
        AppendToString, &pdf, layout.width * points_per_dot,
        layout.height * points_per_dot));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return CairoError(cairo_surface_status(surface.get()), "PDF surface");
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   layout.title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR,
                                   "cellchain-label");
    ContextPtr cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), points_per_dot, points_per_dot);
    absl::Status drawn = Draw(cr.get(), layout);
    if (!drawn.ok()) return drawn;
    cairo_show_page(cr.get());
    cr.reset();
    cairo_surface_finish(surface.get());
    cairo_status_t status = cairo_surface_status(surface.get());
    if (status != CAIRO_STATUS_SUCCESS) return CairoError(status, "PDF");
  }
  return pdf;
}

}  // namespace cellchain::label
