// The storage adapter: one RocksDB per process, column families per concern.
// No rocksdb:: type appears outside store.cc.
//
// Column families:
//   events    event core bytes, keyed by EventKey(origin, seq)
//   personal  personal parts, keyed by EventKey(origin, seq) (erasable)
//   log       the hub's network log: LogKey(position) -> the event's key and route
//             (common/routing.h EncodeLogValue)
//   views     projections (folds of events)
//   meta      chain heads, sync cursors, clock, identity
// Key encodings live in common/keys.h.
//
// Durability: Write() with the default options syncs the WAL before returning,
// so whatever it acknowledged survives kill -9 and power loss. A batch is
// atomic: after a crash either all of it or none of it is there.
//
// Thread-safety: a Store is safe for concurrent use. A Batch is not: one thread
// builds it. Reads through Get(batch, ...) see the batch's own pending writes.
#ifndef COMPTOIR_COMMON_STORE_H_
#define COMPTOIR_COMMON_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

class MemoryDisk;  // common/memory_disk.h

enum class Column { kEvents = 0, kPersonal, kLog, kViews, kMeta };
inline constexpr int kColumnCount = 5;

class Store;

// Writes to apply atomically with Store::Write.
class Batch {
 public:
  Batch();
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;

  void Put(Column column, absl::string_view key, absl::string_view value);
  void Delete(Column column, absl::string_view key);
  // Reads through this batch (Store::Get) see `under`'s pending writes below
  // its own: for a batch staged while `under` is being written. `under` must
  // outlive the reads; it is only read.
  void ReadThrough(const Batch* under);
  // Number of operations so far.
  int Count() const;
  // Approximate size in bytes.
  size_t ByteSize() const;

 private:
  friend class Store;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

class Store {
 public:
  struct Options {
    std::string path;
    // Sync the WAL on every write (the default; only benchmarks turn it off).
    bool sync = true;
    // Keep the files on this in-memory disk instead of the real one
    // (deterministic simulations only; see common/memory_disk.h).
    std::shared_ptr<MemoryDisk> memory_disk;
  };

  // Opens (creating if missing) the database at options.path.
  // Returns Unavailable if another process holds it, Internal/DataLoss on corruption.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const Options& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies the batch atomically (and durably, see Options::sync).
  absl::Status Write(Batch& batch);
  // The same without waiting for the disk: for state a power cut may take
  // back without harm (it is rebuilt or written again). The next synced
  // write makes it durable too.
  absl::Status WriteUnsynced(Batch& batch);
  // Builds the storage engine's form of `batch` now, so that writing it later
  // only applies it: for a batch staged on one thread and written on another.
  // A Put or Delete on the batch afterwards drops that form (a write then
  // builds it again). If it cannot be built, the write says why.
  void Prepare(Batch& batch) const;

  // The value under key, or nullopt. With a batch, its pending writes win.
  absl::StatusOr<std::optional<std::string>> Get(Column column, absl::string_view key,
                                                 const Batch* batch = nullptr) const;

  // The committed values of `keys` (nullopt where absent), in the same order:
  // one batched lookup, much cheaper than a Get per key when they are many.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      Column column, const std::vector<std::string>& keys) const;

  // Calls visit(key, value) for keys in [begin, end) in order (end empty: no
  // bound) until it returns false. Only committed data is seen.
  absl::Status Scan(Column column, absl::string_view begin, absl::string_view end,
                    const std::function<bool(absl::string_view key, absl::string_view value)>&
                        visit) const;

  // Makes deleted values leave the files (after an erasure, common/erasure.h):
  // flushes every memtable, so that the write-ahead logs holding them are
  // retired and deleted, then rewrites the personal and views columns to their
  // last level, dropping deleted and overwritten values with their files.
  // Synchronous; its cost grows with those two columns (see BENCHMARKS.md).
  absl::Status Expunge();

  // The directory given to Open, and whether it is on a MemoryDisk.
  const std::string& path() const;
  bool on_memory_disk() const;

  // Bytes on disk (SST files) and in memtables, for monitoring.
  uint64_t ApproximateSize() const;

  struct ColumnSizes {
    const char* column;         // "events", "personal", "log", "views", "meta"
    uint64_t live_data_bytes;   // RocksDB's estimate of live (not overwritten) data
    uint64_t sst_files_bytes;   // all SST files of the column, obsolete included
    uint64_t memtable_bytes;
  };
  // One entry per column family, for monitoring.
  std::vector<ColumnSizes> Sizes() const;

  // Writes a consistent copy of the whole database (every column family, as of
  // one instant) into `dest_dir`, which must not exist; its parent must. Runs
  // while writers keep writing. SST files are hard-linked when `dest_dir` is on
  // the same file system, copied otherwise. The copy is a database that Open()
  // accepts. AlreadyExists if dest_dir exists; FailedPrecondition on other IO
  // errors (parent missing, permissions); ResourceExhausted when the disk is full.
  absl::Status Checkpoint(const std::string& dest_dir) const;

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  absl::Status WriteWith(Batch& batch, bool sync);
  // Sets the engine's form of `batch` (Prepare).
  absl::Status Build(Batch& batch) const;
  std::unique_ptr<Rep> rep_;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_STORE_H_
