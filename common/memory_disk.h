// A disk in memory for deterministic simulations (tests/sim/): databases
// opened on the same MemoryDisk (Store::Options::memory_disk) keep their files
// in this process's memory, so a simulation can open, close and reopen
// thousands of real RocksDB databases quickly, with syncs costing nothing.
//
// The disk remembers how much of each file was synced. PowerLossCopy() copies
// a database directory as a power cut would leave it: every file cut back to
// its last Sync/Fsync, so whatever a store wrote without syncing is gone. A
// simulation "crashes" a process by copying its directory this way, closing the
// store, and reopening from the copy.
//
//   auto disk = std::make_shared<MemoryDisk>();
//   ... Store::Open({"/sim/hem", true, disk}) ...
//   RETURN_IF_ERROR(disk->PowerLossCopy("/sim/hem", "/sim/hem-after-crash"));
//
// RocksDB's OPTIONS files (a record of the settings for tools; never read to
// open a database) are not kept: creating one fails, and the database opens
// without it. Writing it was most of the cost of opening a database here.
//
// Not modelled: a created or renamed file whose directory was not synced
// surviving or not (RocksDB syncs its directories; the memory disk keeps them).
// Thread-safe. Not for production data: nothing reaches the real disk.
#ifndef COMPTOIR_COMMON_MEMORY_DISK_H_
#define COMPTOIR_COMMON_MEMORY_DISK_H_

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace comptoir {

class MemoryDisk {
 public:
  MemoryDisk();
  ~MemoryDisk();
  MemoryDisk(const MemoryDisk&) = delete;
  MemoryDisk& operator=(const MemoryDisk&) = delete;

  // Copies every file directly in `from_dir` into `to_dir` (created; must not
  // hold files), each cut back to the bytes that were synced. Call while no
  // other thread writes into `from_dir`.
  absl::Status PowerLossCopy(const std::string& from_dir, const std::string& to_dir);

  // Deletes every file whose path starts with `prefix` (close their
  // databases first).
  absl::Status DeleteAll(const std::string& prefix);

  // Bytes written but not synced yet, over every file (for tests of the disk).
  size_t UnsyncedBytes() const;

  // From now on, every sync of a file whose path starts with `prefix` fails
  // with an I/O error, as on a disk gone bad; empty: none fails. For tests of
  // what a failed write leaves behind.
  void FailSyncs(const std::string& prefix);

  struct Rep;
  // For the storage adapter (store.cc) only.
  Rep& rep() { return *rep_; }

 private:
  std::unique_ptr<Rep> rep_;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_MEMORY_DISK_H_
