#include "hub/recent_log.h"

#include <utility>

namespace comptoir {

void RecentLog::Add(uint64_t first, std::vector<Entry> entries) {
  if (entries.empty()) return;
  auto group = std::make_shared<Group>();
  group->first = first;
  group->entries = std::move(entries);
  std::lock_guard<std::mutex> lock(mu_);
  if (!groups_.empty() &&
      groups_.back()->first + groups_.back()->entries.size() != first) {
    groups_.clear();
    held_ = 0;
  }
  held_ += group->entries.size();
  groups_.push_back(std::move(group));
  while (groups_.size() > 1 && held_ - groups_.front()->entries.size() >= capacity_) {
    held_ -= groups_.front()->entries.size();
    groups_.pop_front();
  }
}

std::optional<v1::PullBatch> RecentLog::Read(absl::string_view site, uint64_t after,
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
  v1::PullBatch batch;
  batch.set_log_head(head);
  uint64_t through = after;
  size_t bytes = 0;
  size_t scanned = 0;
  for (const std::shared_ptr<const Group>& group : groups) {
    for (uint64_t position = std::max(after + 1, group->first);
         position < group->first + group->entries.size() && position <= head; ++position) {
      if (static_cast<size_t>(batch.entries_size()) >= max_events || bytes >= max_bytes ||
          scanned >= max_scanned) {
        batch.set_through(through);
        return batch;
      }
      ++scanned;
      const Entry& entry = group->entries[position - group->first];
      const DecodedEvent& event = *entry.event;
      if (event.core.origin() != site) {
        if (!entry.route.settled) return std::nullopt;
        v1::LogEntry* added = batch.add_entries();
        added->set_position(position);
        if (Entitled(entry.route, site)) {
          v1::EventRecord* record = added->mutable_event();
          record->set_core(event.record.core());
          bytes += event.record.core().size();
          if (entry.route.personal_travels && !event.record.personal().empty()) {
            record->set_personal(event.record.personal());
            bytes += event.record.personal().size();
          }
        } else {
          v1::WithheldLink* link = added->mutable_withheld();
          link->set_origin(event.core.origin());
          link->set_seq(event.core.seq());
          link->set_prev_hash(event.core.prev_hash());
          link->set_hash(event.hash);
          bytes += kWithheldLinkBytes;
        }
      }
      through = position;
    }
  }
  batch.set_through(through);
  return batch;
}

}  // namespace comptoir
