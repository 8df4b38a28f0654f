// Protobuf's wire format written by hand, for the messages Comptoir frames
// from bytes it already holds instead of building them (common/encoded_pull.h,
// common/encoded_push.h): varints and field tags.
#ifndef COMPTOIR_COMMON_WIRE_FORMAT_H_
#define COMPTOIR_COMMON_WIRE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace comptoir::wire {

// A field's tag: its number and wire type (0 varint, 2 length-delimited).
constexpr char Tag(int field, int wire_type) { return static_cast<char>(field << 3 | wire_type); }
inline constexpr int kVarint = 0;
inline constexpr int kLengthDelimited = 2;

inline size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

inline char* WriteVarint(uint64_t value, char* out) {
  while (value >= 0x80) {
    *out++ = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

inline void AppendVarint(std::string* out, uint64_t value) {
  char buffer[10];
  out->append(buffer, WriteVarint(value, buffer) - buffer);
}

// A length-delimited field's size: tag, length and bytes.
inline size_t BytesFieldSize(size_t size) { return 1 + VarintSize(size) + size; }

}  // namespace comptoir::wire

#endif  // COMPTOIR_COMMON_WIRE_FORMAT_H_
