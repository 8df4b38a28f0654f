#include "common/event_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/authority.h"
#include "common/erasure.h"
#include "common/event_checks.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/projection.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "common/sync_protocol.h"

namespace comptoir {
namespace {

std::string EncodeHead(const ChainHead& head) {
  std::string value;
  AppendBigEndian64(&value, head.seq);
  value += head.hash;
  return value;
}

absl::StatusOr<ChainHead> DecodeHead(absl::string_view value) {
  std::optional<uint64_t> seq = ReadBigEndian64(value, 0);
  if (!seq.has_value() || value.size() != 8 + kHashSize) {
    return absl::DataLossError("corrupt chain head in meta");
  }
  return ChainHead{*seq, std::string(value.substr(8))};
}

}  // namespace

absl::StatusOr<ChainHead> EventLog::Head(absl::string_view origin, const Batch* batch) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   store_->Get(Column::kMeta, HeadKey(origin), batch));
  if (!value.has_value()) return ChainHead{0, ZeroHash()};
  return DecodeHead(*value);
}

absl::StatusOr<std::map<std::string, ChainHead>> EventLog::Heads() const {
  std::map<std::string, ChainHead> heads;
  absl::Status decode_status;
  RETURN_IF_ERROR(store_->Scan(Column::kMeta, kHeadPrefix, PrefixEnd(kHeadPrefix),
                               [&](absl::string_view key, absl::string_view value) {
                                 absl::StatusOr<ChainHead> head = DecodeHead(value);
                                 if (!head.ok()) {
                                   decode_status = head.status();
                                   return false;
                                 }
                                 heads[std::string(key.substr(kHeadPrefix.size()))] = *head;
                                 return true;
                               }));
  RETURN_IF_ERROR(decode_status);
  return heads;
}

absl::Status EventLog::Stage(Batch& batch, const DecodedEvent& event, Admission admission) {
  const v1::EventCore& core = event.core();
  bool fold = true;
  if (admission != Admission::kChecked) {
    const absl::Status allowed = CheckEvent(*store_, &batch, event, claims_.get());
    if (!allowed.ok()) {
      if (admission == Admission::kRefuse) return allowed;
      LogWarning("kept ", core.origin(), "/", core.seq(),
                 " without folding it into any view: ", allowed.message());
      fold = false;
    }
  }
  if (FormatOf(core) > kEventFormat) {
    fold = false;
    if (!warned_newer_format_->exchange(true)) {
      LogWarning("kept ", core.origin(), "/", core.seq(), " without folding it: it is of event format ",
                 core.format(), ", this build reads up to ", kEventFormat,
                 "; upgrade Comptoir (later events of newer formats are kept silently)");
    }
  }
  const std::string key = EventKey(core.origin(), core.seq());
  batch.Put(Column::kEvents, key, event.record().core());
  if (!event.record().personal().empty()) {
    // The core keeps the personal part's digest: the chain verifies without it.
    ASSIGN_OR_RETURN(bool erased, IsErased(*store_, &batch, FamilyOfEvent(core)));
    if (!erased) batch.Put(Column::kPersonal, key, event.record().personal());
  }
  if (core.has_family_erased()) erasures_->purge_due.store(true);
  batch.Put(Column::kMeta, HeadKey(core.origin()), EncodeHead(HeadAfter(event)));
  if (!fold) return absl::OkStatus();
  RETURN_IF_ERROR(StageWriterFacts(*store_, batch, core, claims_.get()));
  return ApplyToViews(*store_, batch, event);
}

void EventLog::SetErasureRegister(std::string register_path) {
  erasures_->register_path = std::move(register_path);
}

absl::StatusOr<int> EventLog::PurgeIfDue(bool always) {
  if (!erasures_->purge_due.exchange(false) && !always) return 0;
  absl::StatusOr<int> purged = PurgeErasedFamilies(*store_, erasures_->register_path);
  if (!purged.ok()) erasures_->purge_due.store(true);  // tried again after the next write
  return purged;
}

void EventLog::StageWithheld(Batch& batch, absl::string_view origin, uint64_t seq,
                             absl::string_view prev_hash, absl::string_view hash) {
  batch.Put(Column::kMeta, WithheldKey(origin, seq), absl::StrCat(prev_hash, hash));
  batch.Put(Column::kMeta, HeadKey(origin), EncodeHead(ChainHead{seq, std::string(hash)}));
}

absl::StatusOr<std::optional<v1::EventRecord>> EventLog::Read(absl::string_view origin,
                                                              uint64_t seq) const {
  const std::string key = EventKey(origin, seq);
  ASSIGN_OR_RETURN(std::optional<std::string> core, store_->Get(Column::kEvents, key));
  if (!core.has_value()) return std::optional<v1::EventRecord>();
  v1::EventRecord record;
  record.set_core(std::move(*core));
  ASSIGN_OR_RETURN(std::optional<std::string> personal, store_->Get(Column::kPersonal, key));
  if (personal.has_value()) record.set_personal(std::move(*personal));
  return std::optional<v1::EventRecord>(std::move(record));
}

absl::StatusOr<std::vector<v1::EventRecord>> EventLog::ReadRange(absl::string_view origin,
                                                                 uint64_t from_seq,
                                                                 size_t max_events,
                                                                 size_t max_bytes) const {
  std::vector<v1::EventRecord> records;
  RETURN_IF_ERROR(VisitRange(origin, from_seq, max_events, max_bytes,
                             [&](absl::string_view core, absl::string_view personal) {
                               v1::EventRecord& record = records.emplace_back();
                               record.set_core(std::string(core));
                               if (!personal.empty()) record.set_personal(std::string(personal));
                             }));
  return records;
}

absl::Status EventLog::VisitRange(absl::string_view origin, uint64_t from_seq, size_t max_events,
                                  size_t max_bytes, const RecordVisitor& visit) const {
  // An event's core, personal part and the head that counts it are written
  // together: every event up to the head read first has its personal part
  // there already, whatever is appended during the scans, which stop there.
  ASSIGN_OR_RETURN(ChainHead head, Head(origin));
  size_t events = 0;
  size_t bytes = 0;
  bool full = max_events == 0;
  // Windows of as many seqs as events are still wanted: one for a chain
  // without holes (a node's own), more where withheld links leave some.
  for (uint64_t next = std::max<uint64_t>(from_seq, 1); !full && next <= head.seq;) {
    const uint64_t last = next + std::min<uint64_t>(head.seq - next, max_events - events - 1);
    // The window's personal parts first, in one scan (most events have none),
    // so that each core is handed over during its own scan, uncopied.
    std::vector<std::pair<uint64_t, std::string>> personal;  // (seq, part), ascending
    RETURN_IF_ERROR(store_->Scan(Column::kPersonal, EventKey(origin, next),
                                 EventKey(origin, last + 1),
                                 [&](absl::string_view key, absl::string_view value) {
                                   std::string key_origin;
                                   uint64_t seq = 0;
                                   if (ParseEventKey(key, &key_origin, &seq)) {
                                     personal.emplace_back(seq, value);
                                   }
                                   return true;
                                 }));
    auto next_personal = personal.begin();
    RETURN_IF_ERROR(store_->Scan(
        Column::kEvents, EventKey(origin, next), EventKey(origin, last + 1),
        [&](absl::string_view key, absl::string_view value) {
          if (events > 0 && (events >= max_events || bytes + value.size() > max_bytes)) {
            full = true;
            return false;
          }
          std::string key_origin;
          uint64_t seq = 0;
          ParseEventKey(key, &key_origin, &seq);
          while (next_personal != personal.end() && next_personal->first < seq) ++next_personal;
          const bool has_personal = next_personal != personal.end() && next_personal->first == seq;
          visit(value,
                has_personal ? absl::string_view(next_personal->second) : absl::string_view());
          ++events;
          bytes += value.size();
          return true;
        }));
    full = full || events >= max_events;
    next = last + 1;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReadEventsResponse> AnswerReadEvents(const EventLog& log,
                                                        const v1::ReadEventsRequest& request) {
  if (!IsValidSiteId(request.origin())) {
    return absl::InvalidArgumentError("origin must be a site id such as 'hem' or 'hub'");
  }
  const size_t limit = request.limit() == 0 ? 100 : std::min<uint32_t>(request.limit(), 1000);
  ASSIGN_OR_RETURN(std::vector<v1::EventRecord> events,
                   log.ReadRange(request.origin(), std::max<uint64_t>(request.from_seq(), 1),
                                 limit, kMaxBatchBytes));
  v1::ReadEventsResponse response;
  for (v1::EventRecord& record : events) *response.add_events() = std::move(record);
  return response;
}

}  // namespace comptoir
