// Static files (HTML, CSS, JS) compiled into a daemon at build time by
// embed_assets.cmake, so that a web page needs nothing from disk or from the
// internet to show itself. Each web module generates its own lookup function
// (FindWebAsset for the web till, FindDashboardAsset for the hub's dashboard).
#ifndef COMPTOIR_COMMON_WEB_WEB_ASSETS_H_
#define COMPTOIR_COMMON_WEB_WEB_ASSETS_H_

#include "absl/strings/string_view.h"

namespace comptoir {

struct WebAsset {
  // "/index.html", "/app.js", ...
  absl::string_view path;
  absl::string_view content_type;
  absl::string_view body;
};

// A generated lookup: the asset served at `path` ("/" is "/index.html");
// nullptr if none.
using WebAssetLookup = const WebAsset* (*)(absl::string_view path);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_WEB_WEB_ASSETS_H_
