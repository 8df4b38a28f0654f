#include "common/keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace comptoir {

bool IsValidSiteId(absl::string_view site) {
  if (site.empty() || site.size() > 32) return false;
  for (char c : site) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void AppendBigEndian64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::optional<uint64_t> ReadBigEndian64(absl::string_view bytes, size_t offset) {
  if (bytes.size() < offset + 8) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

std::string EventKeyPrefix(absl::string_view origin) {
  std::string key(origin);
  key.push_back('\0');
  return key;
}

std::string EventKey(absl::string_view origin, uint64_t seq) {
  std::string key = EventKeyPrefix(origin);
  AppendBigEndian64(&key, seq);
  return key;
}

bool ParseEventKey(absl::string_view key, std::string* origin, uint64_t* seq) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  *origin = std::string(key.substr(0, key.size() - 9));
  *seq = *ReadBigEndian64(key, key.size() - 8);
  return true;
}

std::string LogKey(uint64_t position) {
  std::string key;
  AppendBigEndian64(&key, position);
  return key;
}

std::string HeadKey(absl::string_view origin) { return absl::StrCat(kHeadPrefix, origin); }
std::string WithheldKey(absl::string_view origin, uint64_t seq) {
  return absl::StrCat(absl::string_view("withheld\0", 9), EventKey(origin, seq));
}
std::string SalesKey(absl::string_view origin) { return absl::StrCat(kSalesPrefix, origin); }
std::string RequestKey(absl::string_view request_id) {
  return absl::StrCat(absl::string_view("request\0", 8), request_id);
}
std::string RequestDigestKey(absl::string_view request_id) {
  return absl::StrCat(absl::string_view("request_digest\0", 15), request_id);
}

std::string ViewKey(std::initializer_list<absl::string_view> parts) {
  std::string key;
  bool first = true;
  for (absl::string_view part : parts) {
    if (!first) key.push_back('\0');
    key.append(part.data(), part.size());
    first = false;
  }
  return key;
}

std::string ViewPrefix(std::initializer_list<absl::string_view> parts) {
  std::string key = ViewKey(parts);
  key.push_back('\0');
  return key;
}

std::vector<std::string> SplitViewKey(absl::string_view key, absl::string_view prefix) {
  std::vector<std::string> parts;
  absl::string_view rest = key.substr(std::min(prefix.size(), key.size()));
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == '\0') {
      parts.emplace_back(rest.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string CounterKey(absl::string_view name) {
  return absl::StrCat(absl::string_view("counter\0", 8), name);
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;  // empty: no bound
}

}  // namespace comptoir
