// Till commands: the list of a day's receipts, to pick one to reprint or void.
//
// Reads the DaySaleKey index (node/own_indexes.h), never the whole log: a
// page costs one short scan of the day's keys and a few reads per receipt.
// Sales recorded before that index existed (an older version) are not listed;
// their receipts are still found by number (GetReceipt).
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/hlc.h"
#include "common/keys.h"
#include "common/projection.h"
#include "common/status_macros.h"
#include "node/own_indexes.h"
#include "node/till.h"

namespace comptoir {
namespace {

constexpr uint32_t kDefaultReceipts = 50;
constexpr uint32_t kMaxReceipts = 200;

// The receipt numbers of `day`'s sales before `before` (all if empty), oldest first.
absl::StatusOr<std::vector<std::string>> ReceiptsOfDay(const Store& store, absl::string_view day,
                                                       absl::string_view before) {
  const std::string prefix = DaySalePrefix(day);
  const std::string end = before.empty() ? PrefixEnd(prefix) : DaySaleKey(day, before);
  std::vector<std::string> numbers;
  RETURN_IF_ERROR(store.Scan(Column::kViews, prefix, end,
                             [&](absl::string_view key, absl::string_view) {
                               numbers.emplace_back(key.substr(prefix.size()));
                               return true;
                             }));
  return numbers;
}

}  // namespace

absl::StatusOr<v1::ListReceiptsResponse> Till::ListReceipts(
    const v1::ListReceiptsRequest& request) {
  const std::string day = request.day().empty() ? node_->Today() : request.day();
  if (!IsValidDay(day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Date invalide : « ", request.day(), " » (format AAAA-MM-JJ)."));
  }
  if (request.before().size() > 40 || request.before().find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("Numéro de ticket invalide.");
  }
  const size_t limit = request.limit() == 0 ? kDefaultReceipts
                                            : std::min(request.limit(), kMaxReceipts);
  const Store& store = node_->store();
  ASSIGN_OR_RETURN(std::vector<std::string> numbers, ReceiptsOfDay(store, day, request.before()));
  v1::ListReceiptsResponse response;
  response.set_day(day);
  const size_t first = numbers.size() > limit ? numbers.size() - limit : 0;
  if (first > 0) response.set_next_before(numbers[first]);
  absl::flat_hash_map<std::string, std::string> names;  // family id -> name, read once
  for (size_t i = numbers.size(); i-- > first;) {
    ASSIGN_OR_RETURN(std::optional<v1::SaleIndex> index, FindReceipt(store, numbers[i]));
    if (!index.has_value()) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> core_bytes,
                     store.Get(Column::kEvents, EventKey(index->origin(), index->seq())));
    v1::EventCore core;
    if (!core_bytes.has_value() || !core.ParseFromString(*core_bytes)) continue;
    const v1::SaleRecorded& sale = core.sale_recorded();
    auto name = names.find(sale.family_id());
    if (name == names.end()) {
      ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family, FindFamily(store, sale.family_id()));
      name = names.emplace(sale.family_id(), family.has_value() ? family->family_name() : "").first;
    }
    v1::ReceiptSummary* summary = response.add_receipts();
    summary->set_receipt_no(numbers[i]);
    summary->set_time(ParisTime(HybridClock::PhysicalMillis(core.hlc())));
    summary->set_family_id(sale.family_id());
    summary->set_family_name(name->second);
    summary->set_family_total_cents(sale.family_total_cents());
    summary->set_voided(index->voided());
  }
  return response;
}

}  // namespace comptoir
