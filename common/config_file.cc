#include "common/config_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace comptoir {
namespace {

bool IsKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<ConfigEntry>> ParseConfigText(absl::string_view text,
                                                         absl::string_view source) {
  std::vector<ConfigEntry> entries;
  std::set<std::string> seen;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || stripped.front() == '#') continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", number, ": ", what));
    };
    const size_t equals = stripped.find('=');
    if (equals == absl::string_view::npos) {
      return error(absl::StrCat("expected 'key = value', got '", stripped, "'"));
    }
    ConfigEntry entry;
    entry.key = std::string(absl::StripAsciiWhitespace(stripped.substr(0, equals)));
    entry.line = number;
    if (!IsKey(entry.key)) {
      return error(absl::StrCat("'", entry.key, "' is not a key (lower-case letters, digits, '-')"));
    }
    absl::string_view value = absl::StripAsciiWhitespace(stripped.substr(equals + 1));
    if (!value.empty() && value.front() == '"') {
      if (value.size() < 2 || value.back() != '"') return error("unterminated quoted value");
      value = value.substr(1, value.size() - 2);
    }
    entry.value = std::string(value);
    if (!seen.insert(entry.key).second) {
      return error(absl::StrCat("'", entry.key, "' is set twice"));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfigText(text.str(), path);
}

}  // namespace comptoir
