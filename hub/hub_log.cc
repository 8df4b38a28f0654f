#include "hub/hub_log.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/catalogue_view.h"
#include "common/erasure.h"
#include "common/event_checks.h"
#include "common/family_view.h"
#include "common/logging.h"
#include "common/keys.h"
#include "common/thread_name.h"
#include "common/network_defaults.h"
#include "common/projection.h"
#include "common/routing.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "common/transfer_view.h"

namespace comptoir {
namespace {

// Entries of the node's own origin are skipped when pulling; scanning a long
// stretch of them is bounded per call so that one call stays short.
constexpr size_t kMaxScannedPerPull = 8 * kMaxBatchEvents;

// A group commit carries at most this many appends and events (bounds the
// batch's memory and the wait of the group's first caller).
constexpr size_t kMaxGroupAppends = 512;
constexpr size_t kMaxGroupEvents = 8 * kMaxBatchEvents;

uint64_t RandomEpoch() {
  std::random_device device;
  uint64_t epoch = 0;
  while (epoch == 0) epoch = (static_cast<uint64_t>(device()) << 32) ^ device();
  return epoch;
}

// What the statistics fold looks up: the hub's own store.
class StoreStatsContext : public StatsModel::Context {
 public:
  explicit StoreStatsContext(const Store& store) : store_(store) {}
  std::optional<v1::EventCore> Core(absl::string_view origin, uint64_t seq) const override {
    absl::StatusOr<std::optional<std::string>> bytes =
        store_.Get(Column::kEvents, EventKey(origin, seq));
    v1::EventCore core;
    if (!bytes.ok() || !bytes->has_value() || !core.ParseFromString(**bytes)) return std::nullopt;
    return core;
  }
  int64_t ReferencePrice(absl::string_view product_id) const override {
    absl::StatusOr<std::optional<v1::Product>> product = FindProduct(store_, product_id);
    return product.ok() && product->has_value() ? (*product)->reference_price_cents() : 0;
  }

 private:
  const Store& store_;
};

// Transfer parties as the hub's views know them (seeing `batch` when given).
TransferPartiesLookup PartiesIn(const Store& store, const Batch* batch) {
  return [&store, batch](absl::string_view transfer_id)
             -> std::optional<std::pair<std::string, std::string>> {
    absl::StatusOr<std::optional<v1::TransferView>> transfer =
        FindTransfer(store, transfer_id, batch);
    if (!transfer.ok() || !transfer->has_value() || (*transfer)->source().empty()) {
      return std::nullopt;
    }
    return std::make_pair((*transfer)->source(), (*transfer)->destination());
  };
}

// Runs of at least this many consecutive events of one origin are read with
// one range scan rather than as many point lookups.
constexpr size_t kMinScannedRun = 8;

// The cores of `events`, in order (nullopt: missing). A centre catching up
// asks for long runs of one origin's consecutive events: each is read with
// one range scan (a seek, then the next key each time), which costs a
// fraction of as many point lookups; the rest with one batched lookup.
absl::StatusOr<std::vector<std::optional<std::string>>> ReadCores(
    const Store& store, const std::vector<const LogValue*>& events) {
  std::vector<std::optional<std::string>> cores(events.size());
  std::vector<std::string> lone_keys;
  std::vector<size_t> lone_index;
  for (size_t begin = 0; begin < events.size();) {
    const LogValue& first = *events[begin];
    size_t end = begin + 1;
    while (end < events.size() && events[end]->origin == first.origin &&
           events[end]->seq == events[end - 1]->seq + 1) {
      ++end;
    }
    if (end - begin < kMinScannedRun) {
      for (size_t i = begin; i < end; ++i) {
        lone_keys.push_back(EventKey(events[i]->origin, events[i]->seq));
        lone_index.push_back(i);
      }
    } else {
      const uint64_t last = events[end - 1]->seq;
      RETURN_IF_ERROR(store.Scan(Column::kEvents, EventKey(first.origin, first.seq),
                                 EventKey(first.origin, last + 1),
                                 [&](absl::string_view key, absl::string_view value) {
                                   const uint64_t seq =
                                       ReadBigEndian64(key, key.size() - 8).value_or(0);
                                   if (seq >= first.seq && seq <= last) {
                                     cores[begin + (seq - first.seq)] = std::string(value);
                                   }
                                   return true;
                                 }));
    }
    begin = end;
  }
  if (!lone_keys.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> found,
                     store.MultiGet(Column::kEvents, lone_keys));
    for (size_t i = 0; i < found.size(); ++i) cores[lone_index[i]] = std::move(found[i]);
  }
  return cores;
}

// Log entries kept in memory for the pulls of centres following the log
// (hub/recent_log.h): the last groups appended, which is what a connected
// centre asks for; one further behind reads the store. A decoded sale takes
// about 1 KiB, so some 30 MiB.
constexpr size_t kRecentEntries = 32 * 1024;

}  // namespace

HubLog::HubLog(std::unique_ptr<Store> store, uint64_t epoch, uint64_t log_head)
    : store_(std::move(store)), log_(store_.get()), epoch_(epoch), log_head_(log_head),
      recent_(kRecentEntries),
      finisher_([this] { FinisherLoop(); }),
      committer_([this] { CommitterLoop(); }),
      writer_([this] { WriterLoop(); }) {}

absl::StatusOr<std::unique_ptr<HubLog>> HubLog::Open(const std::string& dir, bool new_epoch,
                                                     std::shared_ptr<MemoryDisk> memory_disk,
                                                     std::string erasure_register) {
  if (erasure_register.empty() && !memory_disk) erasure_register = ErasureRegisterPath(dir);
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open({dir, true, std::move(memory_disk)}));
  // Before anything is folded or served: a restored or copied database gets
  // the erasures it lacks, and a purge a crash interrupted is finished.
  if (!erasure_register.empty()) {
    RETURN_IF_ERROR(ApplyErasureRegister(*store, erasure_register).status());
  }
  ASSIGN_OR_RETURN(std::optional<std::string> epoch_value, store->Get(Column::kMeta, kMetaEpoch));
  uint64_t epoch = 0;
  if (epoch_value.has_value() && !new_epoch) {
    epoch = ReadBigEndian64(*epoch_value).value_or(0);
  } else {
    epoch = RandomEpoch();
    Batch batch;
    std::string value;
    AppendBigEndian64(&value, epoch);
    batch.Put(Column::kMeta, kMetaEpoch, value);
    if (!epoch_value.has_value()) batch.Put(Column::kMeta, kMetaSite, "hub");
    RETURN_IF_ERROR(store->Write(batch));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> site, store->Get(Column::kMeta, kMetaSite));
  if (site.has_value() && *site != "hub") {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " holds the data of node '", *site, "', not of a hub: use another directory"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> head_value, store->Get(Column::kMeta, kMetaLogHead));
  const uint64_t log_head = head_value.has_value() ? ReadBigEndian64(*head_value).value_or(0) : 0;
  const bool created = !epoch_value.has_value();
  std::unique_ptr<HubLog> hub(new HubLog(std::move(store), epoch, log_head));
  hub->log_.SetErasureRegister(erasure_register);
  RETURN_IF_ERROR(hub->log_.PurgeIfDue(/*always=*/true).status());
  RETURN_IF_ERROR(hub->LoadStats());  // before anything new is appended and folded
  ASSIGN_OR_RETURN(ChainHead own, hub->log_.Head("hub"));
  if (created || own.seq == 0) {
    for (const v1::Department& department : DefaultDepartments()) {
      v1::EventCore core;
      *core.mutable_department_defined()->mutable_department() = department;
      RETURN_IF_ERROR(hub->AppendOwn(std::move(core)).status());
    }
    for (const v1::Prescriber& prescriber : DefaultPrescribers()) {
      v1::EventCore core;
      *core.mutable_prescriber_defined()->mutable_prescriber() = prescriber;
      RETURN_IF_ERROR(hub->AppendOwn(std::move(core)).status());
    }
    for (const v1::Donor& donor : DefaultDonors()) {
      v1::EventCore core;
      *core.mutable_donor_defined()->mutable_donor() = donor;
      RETURN_IF_ERROR(hub->AppendOwn(std::move(core)).status());
    }
  }
  return hub;
}

absl::Status HubLog::LoadStats() {
  // One scan of the events column: each origin's events come in seq order,
  // which is all the fold needs (origins may interleave in any way).
  StoreStatsContext context(*store_);
  absl::Status status;
  RETURN_IF_ERROR(store_->Scan(
      Column::kEvents, "", "", [&](absl::string_view key, absl::string_view value) {
        v1::EventCore core;
        if (!core.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          std::string origin;
          uint64_t seq = 0;
          ParseEventKey(key, &origin, &seq);
          status = absl::DataLossError(absl::StrCat("event ", origin, "/", seq, " is unreadable"));
          return false;
        }
        stats_.Fold(core, context);
        return true;
      }));
  RETURN_IF_ERROR(status);
  ASSIGN_OR_RETURN(std::vector<v1::FamilyRecord> families, AllFamilies(*store_));
  for (const v1::FamilyRecord& family : families) stats_.SetHousehold(family);
  return absl::OkStatus();
}

void HubLog::FoldStats(const DecodedEvent& event) {
  stats_.Fold(event.core(), StoreStatsContext(*store_));
  std::string family_id;
  if (event.core().has_family_registered()) family_id = event.core().family_registered().family_id();
  if (event.core().has_family_updated()) family_id = event.core().family_updated().family_id();
  if (family_id.empty()) return;
  absl::StatusOr<std::optional<v1::FamilyRecord>> family = FindFamily(*store_, family_id);
  if (family.ok() && family->has_value()) stats_.SetHousehold(**family);
}

class HubLog::PushSequence {
 public:
  // One of the sequence's pushes was refused or failed (writer thread only).
  bool broken = false;
};

std::shared_ptr<HubLog::PushSequence> HubLog::NewPushSequence() {
  return std::make_shared<PushSequence>();
}

struct HubLog::PendingAppend {
  // What to append: events pushed by `site`, or (when `own` is set) one event
  // of origin "hub" made from this core.
  std::string site;
  const std::vector<DecodedEvent>* pushed = nullptr;
  // What `pushed` points to, for AppendPushedAsync: shared with the entries
  // kept in recent_, which keep the events alive after the append is answered.
  std::shared_ptr<const std::vector<DecodedEvent>> shared_events;
  std::shared_ptr<PushSequence> sequence;  // AppendPushedAsync only
  std::optional<v1::EventCore> own;
  // AppendPushedAsync: called with the outcome, then the append is deleted.
  PushDone on_done;
  // The outcome, set by the writer thread.
  absl::Status status;
  PushVerdict verdict;
  DecodedEvent own_event;
  // For waiting callers (CommitAndWait).
  bool done = false;  // guarded by queue_mu_
  std::condition_variable wake;
};

struct HubLog::Staged {
  std::vector<PendingAppend*> group;
  const Staged* under = nullptr;  // the group being written when this one was staged
  Batch batch;
  uint64_t position = 0;  // the log head once written
  std::unordered_map<std::string, ChainHead> heads;  // staged in this group
  std::vector<RecentLog::Entry> recent;  // staged in this group, in position order
  // The group's push sequences: all broken if its write fails.
  std::vector<std::shared_ptr<PushSequence>> sequences;
  bool written = false;  // set by the committer
};

HubLog::~HubLog() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_wake_.notify_one();
  writer_.join();  // once its last group is written
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    commit_stopping_ = true;
  }
  commit_wake_.notify_one();
  committer_.join();
  {
    std::lock_guard<std::mutex> lock(finish_mu_);
    finish_stopping_ = true;
  }
  finish_wake_.notify_one();
  finisher_.join();
}

void HubLog::Enqueue(PendingAppend* append) {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.push_back(append);
  }
  queue_wake_.notify_one();
}

void HubLog::CommitAndWait(PendingAppend* append) {
  Enqueue(append);
  std::unique_lock<std::mutex> lock(queue_mu_);
  append->wake.wait(lock, [&] { return append->done; });
}

void HubLog::WriterLoop() {
  NameThisThread("hub-writer");
  // The group the committer is writing (or has written, before the writer
  // has seen it): staging reads through it, so it lives until the next one
  // is handed over.
  std::unique_ptr<Staged> writing;
  // Waits until the committer is done with `writing`, then takes what its
  // write taught (heads written, or sequences broken by a failure).
  auto settle = [&]() -> bool {
    {
      std::unique_lock<std::mutex> lock(commit_mu_);
      commit_wake_.wait(lock, [&] { return to_commit_ == nullptr; });
    }
    if (writing->written) {
      for (auto& [origin, head] : writing->heads) written_heads_[origin] = head;
    } else {
      for (const auto& sequence : writing->sequences) sequence->broken = true;
    }
    return writing->written;
  };
  std::unique_lock<std::mutex> lock(queue_mu_);
  while (true) {
    queue_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, every append handed over
    // Take what is queued now; what arrives meanwhile makes the next group.
    std::vector<PendingAppend*> group;
    size_t events = 0;
    for (PendingAppend* queued : queue_) {
      const size_t size = queued->pushed != nullptr ? queued->pushed->size() : 1;
      if (!group.empty() && (group.size() >= kMaxGroupAppends || events + size > kMaxGroupEvents)) {
        break;
      }
      group.push_back(queued);
      events += size;
    }
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(group.size()));
    lock.unlock();
    // Staged while the group before is written; staged again from what the
    // store holds if that write failed.
    std::unique_ptr<Staged> next = Stage(std::move(group), writing.get());
    if (writing != nullptr) {
      if (settle()) {
        // Written: what it staged is in the store, read there from now on
        // (it is freed just below).
        next->under = nullptr;
        next->batch.ReadThrough(nullptr);
      } else {
        next = Stage(std::move(next->group), nullptr);
      }
    }
    // Built here rather than on the committer, whose writes the log waits for.
    store_->Prepare(next->batch);
    writing = std::move(next);
    {
      std::lock_guard<std::mutex> commit_lock(commit_mu_);
      to_commit_ = writing.get();
    }
    commit_wake_.notify_one();
    lock.lock();
  }
  lock.unlock();
  if (writing != nullptr) settle();
}

void HubLog::CommitterLoop() {
  NameThisThread("hub-committer");
  std::unique_lock<std::mutex> lock(commit_mu_);
  while (true) {
    commit_wake_.wait(lock, [&] { return commit_stopping_ || to_commit_ != nullptr; });
    if (to_commit_ == nullptr) return;  // stopping, every group written
    Staged& staged = *to_commit_;
    lock.unlock();
    RecentLog::Dropped dropped = Commit(staged);
    {
      std::lock_guard<std::mutex> queue_lock(queue_mu_);
      commit_counts_.appends += staged.group.size();
    }
    // Answered by the finisher thread, in order, while this one writes the
    // next group.
    {
      std::lock_guard<std::mutex> finish_lock(finish_mu_);
      to_finish_.push_back(Written{staged.group, std::move(dropped)});
    }
    finish_wake_.notify_one();
    lock.lock();
    to_commit_ = nullptr;
    commit_wake_.notify_all();  // the writer may be waiting for it
  }
}

void HubLog::FinisherLoop() {
  NameThisThread("hub-finisher");
  std::unique_lock<std::mutex> lock(finish_mu_);
  while (true) {
    finish_wake_.wait(lock, [&] { return finish_stopping_ || !to_finish_.empty(); });
    if (to_finish_.empty()) return;  // stopping, every group answered
    Written written = std::move(to_finish_.front());
    to_finish_.pop_front();
    const std::vector<PendingAppend*>& group = written.group;
    lock.unlock();
    // Folded before anyone is answered, so that an append's caller finds its
    // events in the statistics. (A fold may read views a later group already
    // changed, such as a price: as the fold of everything at start-up does.)
    for (PendingAppend* member : group) {
      if (!member->status.ok()) continue;  // refused, or its write failed
      if (member->own.has_value()) {
        FoldStats(member->own_event);
      } else {
        for (size_t index : member->verdict.append) FoldStats((*member->pushed)[index]);
      }
    }
    std::vector<PendingAppend*> asynchronous;
    {
      std::lock_guard<std::mutex> queue_lock(queue_mu_);
      for (PendingAppend* member : group) {
        if (member->on_done) {
          asynchronous.push_back(member);
        } else {
          // Its caller may return (and free it) as soon as the lock is released.
          member->done = true;
          member->wake.notify_one();
        }
      }
    }
    for (PendingAppend* member : asynchronous) {
      if (member->status.ok()) {
        member->on_done(std::move(member->verdict));
      } else {
        member->on_done(member->status);
      }
      delete member;
    }
    written.dropped.clear();  // frees what the recent log let go, unless a reader still holds it
    lock.lock();
  }
}

std::unique_ptr<HubLog::Staged> HubLog::Stage(std::vector<PendingAppend*> group,
                                              const Staged* under) {
  // Staging an append fails only on a read error or a corrupt record: that
  // append gets the error and the group is staged again without it, so that
  // nothing of it is written.
  auto staged = std::make_unique<Staged>();
  staged->group = std::move(group);
  staged->under = under;
  for (PendingAppend* member : staged->group) {
    member->status = absl::OkStatus();  // staged afresh
    member->verdict = PushVerdict();
    if (member->sequence != nullptr) staged->sequences.push_back(member->sequence);
  }
  std::vector<PushSequence*> broken;  // sequences with a refused or failed push
  auto is_broken = [&](PushSequence* sequence) {
    return sequence != nullptr &&
           (sequence->broken || std::find(broken.begin(), broken.end(), sequence) != broken.end());
  };
  bool staged_all = false;
  while (!staged_all) {
    staged->batch = Batch();
    if (under != nullptr) staged->batch.ReadThrough(&under->batch);
    staged->heads.clear();
    staged->recent.clear();
    broken.clear();
    staged->position = under != nullptr ? under->position : log_head_.load();
    staged_all = true;
    for (PendingAppend* member : staged->group) {
      PushSequence* sequence = member->sequence.get();
      if (member->status.ok() && is_broken(sequence)) {
        member->status = absl::AbortedError(
            "an earlier batch of this stream was refused: this one was not appended");
      }
      if (!member->status.ok()) {
        if (sequence != nullptr) broken.push_back(sequence);
        continue;
      }
      absl::Status result =
          member->own.has_value() ? StageOwn(*member, *staged) : StagePushed(*member, *staged);
      if (!result.ok()) {
        member->status = result;
        staged_all = false;
        break;
      }
      if (sequence != nullptr && member->verdict.error.has_value()) broken.push_back(sequence);
    }
  }
  for (PushSequence* sequence : broken) sequence->broken = true;
  if (staged->batch.Count() > 0) {
    std::string head_value;
    AppendBigEndian64(&head_value, staged->position);
    staged->batch.Put(Column::kMeta, kMetaLogHead, head_value);
  }
  return staged;
}

RecentLog::Dropped HubLog::Commit(Staged& staged) {
  if (staged.batch.Count() == 0) {  // duplicates only, or refused from the first event
    staged.written = true;
    return {};
  }
  const absl::Status written = store_->Write(staged.batch);
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    commit_counts_.writes++;
  }
  if (!written.ok()) {
    for (PendingAppend* member : staged.group) {
      if (member->status.ok()) member->status = written;
    }
    return {};
  }
  staged.written = true;
  // An erasure in this group: its personal parts leave the store before the
  // group is answered, and the entries kept for pulls, which may hold them
  // (this group's too), are dropped: pulls read the purged store until new
  // entries come.
  const bool erasure = std::any_of(
      staged.recent.begin(), staged.recent.end(),
      [](const RecentLog::Entry& entry) { return entry.event->core().has_family_erased(); });
  // (The writer may be staging the next group, an erasure in it included:
  // this asks the store what is pending rather than the staging's flag.)
  absl::StatusOr<int> purged = erasure ? log_.PurgeIfDue(/*always=*/true) : 0;
  if (!purged.ok()) {
    LogError("erasure not purged yet (tried again after the next write): ",
             purged.status().message());
  }
  // Held in memory before readers can see the new head, so that their pulls
  // of it find it there.
  RecentLog::Dropped dropped = purged.value_or(0) > 0
                                   ? recent_.Clear()
                                   : recent_.Add(log_head_.load() + 1, std::move(staged.recent));
  log_head_.store(staged.position);
  return dropped;
}

absl::StatusOr<ChainHead> HubLog::StagingHead(const std::string& origin, const Staged& staged) {
  for (const Staged* layer = &staged; layer != nullptr; layer = layer->under) {
    if (auto found = layer->heads.find(origin); found != layer->heads.end()) return found->second;
  }
  if (auto written = written_heads_.find(origin); written != written_heads_.end()) {
    return written->second;
  }
  // Not staged in this group or the one under it, so what the store holds;
  // kept for next time.
  ASSIGN_OR_RETURN(ChainHead head, log_.Head(origin, &staged.batch));
  written_heads_[origin] = head;
  return head;
}

absl::Status HubLog::StageOwn(PendingAppend& append, Staged& staged) {
  Batch& batch = staged.batch;
  ASSIGN_OR_RETURN(ChainHead head, StagingHead("hub", staged));
  ASSIGN_OR_RETURN(std::optional<std::string> clock_value,
                   store_->Get(Column::kMeta, kMetaClock, &batch));
  if (clock_value.has_value()) clock_.Observe(ReadBigEndian64(*clock_value).value_or(0));
  v1::EventCore core = *append.own;
  core.set_origin("hub");
  core.set_hlc(clock_.Now());
  append.own_event = SealEvent(head, std::move(core), nullptr);
  const DecodedEvent& event = append.own_event;
  RETURN_IF_ERROR(log_.Stage(batch, event, EventLog::Admission::kRefuse));
  staged.heads["hub"] = HeadAfter(event);
  const Route route = RouteOf(event.core(), nullptr);
  batch.Put(Column::kLog, LogKey(++staged.position),
            EncodeLogValue("hub", event.core().seq(), route));
  staged.recent.push_back({std::make_shared<const DecodedEvent>(event), route});
  std::string hlc_value;
  AppendBigEndian64(&hlc_value, event.core().hlc());
  batch.Put(Column::kMeta, kMetaClock, hlc_value);
  return absl::OkStatus();
}

absl::Status HubLog::StagePushed(PendingAppend& append, Staged& staged) {
  Batch& batch = staged.batch;
  const std::string& site = append.site;
  ASSIGN_OR_RETURN(ChainHead head, StagingHead(site, staged));
  auto held_hash = [&](uint64_t seq) -> absl::StatusOr<std::optional<std::string>> {
    ASSIGN_OR_RETURN(std::optional<std::string> core,
                     store_->Get(Column::kEvents, EventKey(site, seq), &batch));
    if (!core.has_value()) return std::optional<std::string>();
    return std::optional<std::string>(Sha256(*core));
  };
  ASSIGN_OR_RETURN(append.verdict, VerifyPush(site, head, *append.pushed, held_hash));
  for (size_t accepted = 0; accepted < append.verdict.append.size(); ++accepted) {
    const DecodedEvent& event = (*append.pushed)[append.verdict.append[accepted]];
    // Checked here, one event at a time, so that each sees the views of the
    // events staged before it (a workshop scheduled, then its seats).
    const absl::Status allowed = CheckEvent(*store_, &batch, event, log_.claims());
    if (!allowed.ok()) {
      if (allowed.code() != absl::StatusCode::kPermissionDenied &&
          allowed.code() != absl::StatusCode::kInvalidArgument) {
        return allowed;  // the store failed: the whole group fails
      }
      LogWarning("sync: refused ", event.core().origin(), "/", event.core().seq(), " from ",
                 site, ": ", allowed.message());
      RefuseFrom(append.verdict, accepted, event, allowed);  // shortens the list: the loop ends
      break;
    }
    RETURN_IF_ERROR(log_.Stage(batch, event, EventLog::Admission::kChecked));
    // Routed now, while the hub's views (with the group's staged writes) say
    // who a transfer's parties are, so that pulls decide without parsing cores.
    const Route route = RouteOf(event.core(), PartiesIn(*store_, &batch));
    batch.Put(Column::kLog, LogKey(++staged.position),
              EncodeLogValue(event.core().origin(), event.core().seq(), route));
    staged.recent.push_back(
        {append.shared_events != nullptr
             ? std::shared_ptr<const DecodedEvent>(append.shared_events, &event)
             : std::make_shared<const DecodedEvent>(event),  // a caller's events: copied
         route});
  }
  if (!append.verdict.append.empty()) {
    staged.heads[site] = HeadAfter((*append.pushed)[append.verdict.append.back()]);
  }
  return absl::OkStatus();
}

HubLog::CommitCounts HubLog::commit_counts() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return commit_counts_;
}

absl::StatusOr<DecodedEvent> HubLog::AppendOwn(v1::EventCore core) {
  PendingAppend append;
  append.own = std::move(core);
  CommitAndWait(&append);
  RETURN_IF_ERROR(append.status);
  return std::move(append.own_event);
}

std::pair<size_t, absl::Status> HubLog::AppendOwnAll(std::vector<v1::EventCore> cores) {
  const size_t count = cores.size();
  std::unique_ptr<PendingAppend[]> appends(new PendingAppend[count]);
  for (size_t i = 0; i < count; ++i) {
    appends[i].own = std::move(cores[i]);
    Enqueue(&appends[i]);
  }
  size_t appended = 0;
  absl::Status first_error;
  std::unique_lock<std::mutex> lock(queue_mu_);
  for (size_t i = 0; i < count; ++i) {
    appends[i].wake.wait(lock, [&] { return appends[i].done; });
    if (appends[i].status.ok()) {
      ++appended;
    } else if (first_error.ok()) {
      first_error = appends[i].status;
    }
  }
  return {appended, first_error};
}

absl::StatusOr<int64_t> HubLog::LatestEventMillis(absl::string_view origin) const {
  ASSIGN_OR_RETURN(ChainHead head, log_.Head(origin));
  if (head.seq == 0) return 0;
  ASSIGN_OR_RETURN(std::optional<std::string> core,
                   store_->Get(Column::kEvents, EventKey(origin, head.seq)));
  v1::EventCore parsed;
  if (!core.has_value() || !parsed.ParseFromString(*core)) return 0;
  return HybridClock::PhysicalMillis(parsed.hlc());
}

absl::StatusOr<v1::Catalogue> HubLog::Catalogue() const { return ReadCatalogue(*store_); }

absl::StatusOr<ChainHead> HubLog::HeadOf(absl::string_view origin) { return log_.Head(origin); }

absl::StatusOr<PushVerdict> HubLog::AppendPushed(absl::string_view site,
                                                 const std::vector<DecodedEvent>& events) {
  PendingAppend append;
  append.site = std::string(site);
  append.pushed = &events;
  CommitAndWait(&append);
  RETURN_IF_ERROR(append.status);
  PushVerdict verdict = std::move(append.verdict);
  return verdict;
}

void HubLog::AppendPushedAsync(std::string site, std::vector<DecodedEvent> events,
                               std::shared_ptr<PushSequence> sequence, PushDone done) {
  auto* append = new PendingAppend;  // deleted by the writer thread once answered
  append->site = std::move(site);
  append->shared_events = std::make_shared<const std::vector<DecodedEvent>>(std::move(events));
  append->pushed = append->shared_events.get();
  append->sequence = std::move(sequence);
  append->on_done = std::move(done);
  Enqueue(append);
}

absl::StatusOr<EncodedPull> HubLog::ReadLogFor(absl::string_view site, uint64_t after,
                                               size_t max_events, size_t max_bytes,
                                               bool include_own) {
  const uint64_t head = log_head_.load();
  if (!include_own) {
    std::optional<EncodedPull> recent =
        recent_.Read(site, after, head, max_events, max_bytes, kMaxScannedPerPull);
    if (recent.has_value()) {
      pulls_from_memory_++;
      return std::move(*recent);
    }
  }
  pulls_from_store_++;
  // The log entries the batch may take, in order (as far as the event count
  // and the scan bound allow), then their cores in one batched read; the
  // byte budget is applied while adding them.
  struct Visited {
    uint64_t position;
    LogValue logged;
    bool sent;  // false: the node's own event, skipped
  };
  std::vector<Visited> visited;
  size_t sent_count = 0;
  absl::Status read_status;
  RETURN_IF_ERROR(store_->Scan(
      Column::kLog, LogKey(after + 1), LogKey(head + 1),
      [&](absl::string_view key, absl::string_view value) {
        if (sent_count >= max_events || visited.size() >= kMaxScannedPerPull) return false;
        const uint64_t position = ReadBigEndian64(key).value_or(0);
        std::optional<LogValue> logged = DecodeLogValue(value);
        if (!logged.has_value()) {
          read_status = absl::DataLossError(absl::StrCat("corrupt log entry at ", position));
          return false;
        }
        const bool sent = logged->origin != site || include_own;
        sent_count += sent ? 1 : 0;
        visited.push_back(Visited{position, std::move(*logged), sent});
        return true;
      }));
  RETURN_IF_ERROR(read_status);
  std::vector<const LogValue*> wanted;  // the entries sent
  wanted.reserve(sent_count);
  for (const Visited& entry : visited) {
    if (entry.sent) wanted.push_back(&entry.logged);
  }
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> cores, ReadCores(*store_, wanted));
  EncodedPull batch;
  batch.set_log_head(head);
  uint64_t through = after;
  size_t bytes = 0;
  size_t next_core = 0;
  for (Visited& entry : visited) {
    if (bytes >= max_bytes) break;
    if (entry.sent) {
      std::optional<std::string>& core = cores[next_core++];
      if (!core.has_value()) {
        return absl::DataLossError(absl::StrCat("log entry ", entry.position,
                                                " names a missing event ", entry.logged.origin,
                                                "/", entry.logged.seq));
      }
      ASSIGN_OR_RETURN(size_t added,
                       AddLogEntry(site, entry.position, entry.logged, std::move(*core), &batch));
      bytes += added;
    }
    through = entry.position;
  }
  batch.set_through(through);
  return batch;
}

absl::StatusOr<size_t> HubLog::AddLogEntry(absl::string_view site, uint64_t position,
                                           const LogValue& logged, std::string core,
                                           EncodedPull* batch) const {
  const bool own = logged.origin == site;
  std::optional<Route> route = logged.route;
  std::optional<v1::EventCore> parsed;
  auto parse = [&]() -> absl::Status {
    if (parsed.has_value()) return absl::OkStatus();
    parsed.emplace();
    if (!parsed->ParseFromString(core)) {
      return absl::DataLossError(absl::StrCat("event ", logged.origin, "/", logged.seq,
                                              " is unreadable"));
    }
    return absl::OkStatus();
  };
  if (!own && !route.has_value()) {
    // Appended by an older hub, or its route was not settled then: route it now.
    RETURN_IF_ERROR(parse());
    route = RouteOf(*parsed, PartiesIn(*store_, nullptr));
  }
  v1::LogEntry entry;
  entry.set_position(position);
  if (!own && !Entitled(*route, site)) {
    RETURN_IF_ERROR(parse());
    v1::WithheldLink* link = entry.mutable_withheld();
    link->set_origin(logged.origin);
    link->set_seq(logged.seq);
    link->set_prev_hash(parsed->prev_hash());
    link->set_hash(Sha256(core));
    batch->Add(entry);
    return kWithheldLinkBytes;
  }
  size_t bytes = core.size();
  if (own || PersonalEntitled(*route, site)) {
    ASSIGN_OR_RETURN(std::optional<std::string> personal,
                     store_->Get(Column::kPersonal, EventKey(logged.origin, logged.seq)));
    if (personal.has_value()) {
      bytes += personal->size();
      entry.mutable_event()->set_personal(std::move(*personal));
    }
  }
  entry.mutable_event()->set_core(std::move(core));
  batch->Add(entry);
  return bytes;
}

absl::StatusOr<v1::HubStatus> HubLog::Status() const {
  v1::HubStatus status;
  status.set_hub_epoch(epoch_);
  status.set_log_head(log_head_.load());
  ASSIGN_OR_RETURN(auto heads, log_.Heads());
  for (const auto& [origin, head] : heads) {
    v1::OriginCount* row = status.add_origins();
    row->set_origin(origin);
    row->set_seq(head.seq);
  }
  return status;
}

absl::StatusOr<v1::SalesSummary> HubLog::Sales() const { return ReadSalesSummary(*store_); }

}  // namespace comptoir
