// What the fuzz targets share: the byte format of their inputs (one reader,
// one writer, so the seed generator and the targets agree), scratch databases
// copied from a template on a disk in memory, sample events, and invariant
// checks that abort.
//
// Input format of the session targets: one setup byte, then steps, each an op
// byte (the target's enum, modulo its size) followed by its operands, read
// with Reader. Operands past the end of the input read as zero, so every byte
// string is a valid input.
#ifndef COMPTOIR_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define COMPTOIR_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/event_codec.h"
#include "common/memory_disk.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir::fuzz {

// Reads operands from the front of the input; zeros once it is exhausted.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return offset_ >= size_; }
  uint8_t U8();
  uint16_t U16();  // big-endian
  uint64_t U64();  // big-endian
  // Up to `n` bytes (fewer at the end).
  std::string Bytes(size_t n);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

// Builds inputs in Reader's format (the seed corpus generator).
class Writer {
 public:
  Writer& U8(uint8_t value);
  Writer& U16(uint16_t value);
  Writer& U64(uint64_t value);
  // U16 length, then the bytes.
  Writer& Chunk(const std::string& bytes);
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

// The steps of hub_session_fuzz and their operands (in Reader order).
enum HubOp : uint8_t {
  kHubRaw,         // Chunk: bytes parsed as a NodeMessage (garbage: an empty one)
  kHubHello,       // U8 site, U8 version, U8 epoch, U8 cursor, U64 raw, U8 recover, U64 own_seq
  kHubPush,        // U8 chain, U8 from, U8 count, U8 mutation, U16 parameter
  kHubPushSealed,  // U8 origin, U8 seq offset, U8 with personal, Chunk: EventCore bytes
  kHubPushMany,    // U16 count: copies of one event (batch limits)
  kHubPullAck,     // U8 which cursor, U64 raw
  kHubNextPull,    // U8 how many batches to take
  kHubOpCount
};

// The steps of node_session_fuzz and their operands.
enum NodeOp : uint8_t {
  kNodeRaw,          // Chunk: bytes parsed as a HubMessage
  kNodeWelcome,      // U8 epoch, U8 high_water, U8 hash, U8 log_head, U64 raw
  kNodePull,         // U8 chain, U8 from, U8 count, U8 mutation, U16 parameter, U8 through,
                     // U8 withheld (bit i: entry i comes as a withheld link)
  kNodePullSealed,   // U8 origin, U8 seq offset, U8 with personal, Chunk: EventCore bytes,
                     // U8 through, U8 withheld (as kNodePull)
  kNodePushAck,      // U8 which high-water, U64 raw
  kNodeError,        // U8 reason, Chunk: message
  kNodeLocalAppend,  // U8 how many sales the till records
  kNodeOpCount
};

// How kHubPush / kNodePull alter the chosen events before sending them. The
// parameter's high byte picks the event, its low byte the offset.
enum Mutation : uint8_t {
  kKeep,               // as sealed
  kFlipCoreByte,       // core[offset % size] ^= 0x5a
  kTruncateCore,       // core cut to offset % size bytes
  kTruncatePersonal,   // personal part cut to offset % size bytes
  kGarbagePersonal,    // personal part replaced by its own core
  kDropPersonal,       // personal part removed (an erased one)
  kDuplicateFirst,     // the first event sent twice
  kSwapFirstTwo,       // first two events swapped
  kReverse,            // all in reverse order
  kMutationCount
};

// Silences protobuf's log lines (invalid UTF-8 in string fields...), which
// the fuzzer would print for most inputs.
void QuietProtobufLogs();

// Prints `what` and aborts when `condition` is false: the fuzzer records the
// input as a crash.
void Require(bool condition, const std::string& what);

// The process's disk in memory (common/memory_disk.h), where the targets keep
// their databases: opening and copying one costs microseconds instead of the
// real disk's milliseconds, and an input replays the same way every time.
const std::shared_ptr<MemoryDisk>& FuzzDisk();

// A database directory on FuzzDisk(), copied from a template (made once per
// process, closed, by the target) as it was synced, and deleted on
// destruction (close the database first).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& template_dir);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};
// A directory name on FuzzDisk() for a template.
std::string NewTemplateDir(const std::string& name);

// A sale of `origin` chained onto `head`, with `variant` in its content (two
// variants at the same seq are a fork).
DecodedEvent SampleSale(const std::string& origin, const ChainHead& head, int variant);
// A family registration with a personal part (which travels apart from the core).
DecodedEvent SampleFamily(const std::string& origin, const ChainHead& head, int variant);
// `count` events of `origin` from seq 1, sales and families alternating.
std::vector<DecodedEvent> SampleChain(const std::string& origin, size_t count, int variant);

// The withheld link a hub would send for `record` instead of its content
// (origin, seq and prev_hash as the core says, even a mutated one).
v1::WithheldLink LinkOf(const v1::EventRecord& record);

// Applies `mutation` (with `parameter`) to `records`.
void Mutate(std::vector<v1::EventRecord>& records, uint8_t mutation, uint16_t parameter);

// Every origin's chain in `store` (or only those of `origins`) verifies: seqs
// 1..head all held (or, with `withheld_links`, some kept as links only, as a
// centre keeps what it is not entitled to), each held one decodes and links to
// its held predecessor, and the last one's hash is the head's when it is held.
void RequireValidChains(const Store& store, const std::vector<std::string>& origins = {},
                        bool withheld_links = false);

}  // namespace comptoir::fuzz

#endif  // COMPTOIR_TESTS_FUZZ_FUZZ_SUPPORT_H_
