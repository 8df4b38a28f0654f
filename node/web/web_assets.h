// The web till's static files (node/web/static/*), compiled into the binary
// at build time by embed_assets.cmake: the till needs nothing from disk or
// from the internet to show itself.
#ifndef COMPTOIR_NODE_WEB_WEB_ASSETS_H_
#define COMPTOIR_NODE_WEB_WEB_ASSETS_H_

#include "absl/strings/string_view.h"

namespace comptoir {

struct WebAsset {
  // "/index.html", "/app.js", ...
  absl::string_view path;
  absl::string_view content_type;
  absl::string_view body;
};

// The asset served at `path` ("/" is "/index.html"); nullptr if none.
const WebAsset* FindWebAsset(absl::string_view path);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_WEB_WEB_ASSETS_H_
