// The household's data export as a French document people read and print:
// one self-contained HTML page (its style inlined from
// node/web/static/family_export.css at build time, no script, no outside
// file), with French days ("25/11/2026"), euros ("12,50 €") and words for
// every coded value ("Famille monoparentale", "espèces"). The only ids shown
// are the card and receipt numbers people read. Every text from the data is
// escaped.
//
//   std::string page = FamilyExportHtml(held);   // held: CollectFamilyExport's
//
// Thread-safe (a pure function).
#ifndef COMPTOIR_NODE_FAMILY_EXPORT_HTML_H_
#define COMPTOIR_NODE_FAMILY_EXPORT_HTML_H_

#include <string>

#include "comptoir/v1/family_export.pb.h"

namespace comptoir {

std::string FamilyExportHtml(const v1::FamilyExport& held);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_FAMILY_EXPORT_HTML_H_
