// The "key = value" text format of configuration files and backup manifests.
//
//   # a comment: a whole line ('#' after a value is part of the value)
//   listen = 127.0.0.1:7401
//   hub =
//   name = "  spaces kept  "
//
// ("hub =" sets an empty value.)
//
// One setting per line; blank lines and lines starting with '#' (after
// spaces) are ignored. Keys are [a-z0-9_-]+; the value is the rest of the line
// after '=', without surrounding spaces (it may be empty). A value may be
// quoted with double quotes to keep leading or trailing spaces.
#ifndef COMPTOIR_COMMON_CONFIG_FILE_H_
#define COMPTOIR_COMMON_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based
};

// Parses `text`; `source` (a file name) prefixes error messages:
// InvalidArgument "<source>:<line>: <what is wrong>". A key given twice is an error.
absl::StatusOr<std::vector<ConfigEntry>> ParseConfigText(absl::string_view text,
                                                         absl::string_view source);

// Reads and parses a file. NotFound if it cannot be read.
absl::StatusOr<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_CONFIG_FILE_H_
