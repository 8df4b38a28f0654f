// A pull batch in its wire form: the bytes of the HubMessage whose `pull` is
// the batch, as the hub sends it. Entries are encoded once and may be shared
// between batches: the hub's recent log encodes an event once for all the
// centres that pull it, and each batch only frames those bytes (no message is
// built, copied, serialised and freed per centre). A node parses the bytes as
// the HubMessage they are; ToMessage() does the same for simulations and tests.
//
//   EncodedPull pull;
//   pull.Add(entry);                              // encoded into the batch
//   pull.AddShared(owner, EncodeLogEntry(entry)); // bytes owned elsewhere
//   pull.set_through(7);
//   std::string bytes(pull.ByteSize(), '\0');
//   pull.WriteTo(bytes.data());
//
// Thread-safety: a batch is used by one thread at a time; shared entry bytes
// are only read.
#ifndef COMPTOIR_COMMON_ENCODED_PULL_H_
#define COMPTOIR_COMMON_ENCODED_PULL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir {

// `entry` encoded as one element of PullBatch.entries (field tag, length,
// bytes): what EncodedPull::AddShared takes; appended to `out`, or returned.
void AppendLogEntry(std::string* out, const v1::LogEntry& entry);
std::string EncodeLogEntry(const v1::LogEntry& entry);

class EncodedPull {
 public:
  // Appends an entry encoded by EncodeLogEntry, owned by `owner`, which the
  // batch keeps alive (consecutive entries of one owner cost one reference,
  // and entries that follow each other in its memory make one span).
  void AddShared(const std::shared_ptr<const void>& owner, absl::string_view encoded_entry);
  // Appends `entry`, encoded into the batch's own bytes.
  void Add(const v1::LogEntry& entry);

  // PullBatch.through and PullBatch.log_head.
  void set_through(uint64_t through) { through_ = through; }
  uint64_t through() const { return through_; }
  void set_log_head(uint64_t log_head) { log_head_ = log_head; }
  uint64_t log_head() const { return log_head_; }
  int entries_size() const { return entries_; }

  // The HubMessage's size, and its bytes written to `out` (ByteSize() of them).
  size_t ByteSize() const;
  void WriteTo(char* out) const;
  std::string Serialize() const;
  // The HubMessage these bytes are, and its batch (DataLoss if they do not parse).
  absl::StatusOr<v1::HubMessage> ToMessage() const;
  absl::StatusOr<v1::PullBatch> ToBatch() const;

  // The same bytes without copying the entries, for a transport that sends
  // a message in pieces: the framing before and after them (made here), and
  // the entries' spans in order, each with what keeps its bytes alive (once
  // framed, the batch is not added to).
  struct Span {
    absl::string_view bytes;
    std::shared_ptr<const void> owner;
  };
  struct Framed {
    std::string head;
    std::vector<Span> entries;
    std::string tail;
  };
  Framed Frame() const;

 private:
  struct Piece {
    const char* shared = nullptr;  // null: (*own_)[own_offset, own_offset + size)
    size_t own_offset = 0;
    size_t size = 0;
    size_t owner = 0;  // index in owners_ (shared pieces)
  };
  size_t PullBatchSize() const;
  absl::string_view BytesOf(const Piece& piece) const;

  std::vector<Piece> pieces_;
  std::shared_ptr<std::string> own_;  // made by the first Add
  std::vector<std::shared_ptr<const void>> owners_;
  int entries_ = 0;
  size_t entry_bytes_ = 0;
  uint64_t through_ = 0;
  uint64_t log_head_ = 0;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ENCODED_PULL_H_
