#include "hub/recent_log.h"

#include <utility>

namespace comptoir {

RecentLog::Group::Group(uint64_t first, std::vector<Entry> entries)
    : first(first), entries(std::move(entries)) {}

RecentLog::Group::~Group() {
  for (auto& form : encoded) delete form.load();
}

absl::string_view RecentLog::Group::Encoded(size_t index, Form form) const {
  const Encoding* held = encoded[form].load(std::memory_order_acquire);
  if (held == nullptr) {
    auto made = std::make_unique<Encoding>();
    made->ends.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const DecodedEvent& event = *entries[i].event;
      v1::LogEntry entry;
      entry.set_position(first + i);
      if (form == kWithheld) {
        v1::WithheldLink* link = entry.mutable_withheld();
        link->set_origin(event.core().origin());
        link->set_seq(event.core().seq());
        link->set_prev_hash(event.core().prev_hash());
        link->set_hash(event.hash);
      } else {
        v1::EventRecord* record = entry.mutable_event();
        record->set_core(event.record().core());
        if (form == kEventWithPersonal) record->set_personal(event.record().personal());
      }
      AppendLogEntry(&made->bytes, entry);
      made->ends.push_back(made->bytes.size());
    }
    if (encoded[form].compare_exchange_strong(held, made.get(), std::memory_order_acq_rel,
                                              std::memory_order_acquire)) {
      held = made.release();
    }  // else `held` is the one another reader stored first
  }
  const size_t begin = index == 0 ? 0 : held->ends[index - 1];
  return absl::string_view(held->bytes).substr(begin, held->ends[index] - begin);
}

RecentLog::Dropped RecentLog::Add(uint64_t first, std::vector<Entry> entries) {
  Dropped dropped;
  if (entries.empty()) return dropped;
  auto group = std::make_shared<const Group>(first, std::move(entries));
  std::lock_guard<std::mutex> lock(mu_);
  if (!groups_.empty() &&
      groups_.back()->first + groups_.back()->entries.size() != first) {
    dropped.assign(groups_.begin(), groups_.end());
    groups_.clear();
    held_ = 0;
  }
  held_ += group->entries.size();
  groups_.push_back(std::move(group));
  while (groups_.size() > 1 && held_ - groups_.front()->entries.size() >= capacity_) {
    held_ -= groups_.front()->entries.size();
    dropped.push_back(std::move(groups_.front()));
    groups_.pop_front();
  }
  return dropped;
}

RecentLog::Dropped RecentLog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  Dropped dropped(groups_.begin(), groups_.end());
  groups_.clear();
  held_ = 0;
  return dropped;
}

std::optional<EncodedPull> RecentLog::Read(absl::string_view site, uint64_t after,
                                           uint64_t head, size_t max_events, size_t max_bytes,
                                           size_t max_scanned) const {
  std::vector<std::shared_ptr<const Group>> groups;  // covering after + 1 .. head
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (groups_.empty() || after + 1 < groups_.front()->first) return std::nullopt;
    const Group& last = *groups_.back();
    if (head > last.first + last.entries.size() - 1) return std::nullopt;
    for (const std::shared_ptr<const Group>& group : groups_) {
      if (group->first > head) break;
      if (group->first + group->entries.size() > after + 1) groups.push_back(group);
    }
  }
  EncodedPull batch;
  batch.set_log_head(head);
  uint64_t through = after;
  size_t bytes = 0;
  size_t scanned = 0;
  for (const std::shared_ptr<const Group>& group : groups) {
    const std::shared_ptr<const void> owner = group;  // the entries' bytes live in it
    for (uint64_t position = std::max(after + 1, group->first);
         position < group->first + group->entries.size() && position <= head; ++position) {
      if (static_cast<size_t>(batch.entries_size()) >= max_events || bytes >= max_bytes ||
          scanned >= max_scanned) {
        batch.set_through(through);
        return batch;
      }
      ++scanned;
      const size_t index = position - group->first;
      const Entry& entry = group->entries[index];
      const DecodedEvent& event = *entry.event;
      if (event.core().origin() != site) {
        if (!entry.route.settled) return std::nullopt;
        Form form = kWithheld;
        if (Entitled(entry.route, site)) {
          bytes += event.record().core().size();
          form = kEvent;
          if (PersonalEntitled(entry.route, site)) {
            // Entries without a personal part are the same in both forms:
            // one form for all keeps the entries sent in a row one span.
            bytes += event.record().personal().size();
            form = kEventWithPersonal;
          }
        } else {
          bytes += kWithheldLinkBytes;
        }
        batch.AddShared(owner, group->Encoded(index, form));
      }
      through = position;
    }
  }
  batch.set_through(through);
  return batch;
}

}  // namespace comptoir
