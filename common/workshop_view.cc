#include "common/workshop_view.h"

#include <map>

#include "common/catalogue_view.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {

absl::Status FoldWorkshop(const Store& store, Batch& batch, const v1::EventCore& core) {
  std::string workshop_id;
  if (core.has_workshop_scheduled()) workshop_id = core.workshop_scheduled().workshop_id();
  if (core.has_workshop_registered()) workshop_id = core.workshop_registered().workshop_id();
  if (core.has_workshop_attended()) workshop_id = core.workshop_attended().workshop_id();
  const std::string key = ViewKey({"workshop", workshop_id});
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> held,
                   GetRecord<v1::WorkshopView>(store, key, &batch));
  v1::WorkshopView view = held.value_or(v1::WorkshopView());
  view.set_workshop_id(workshop_id);
  view.set_site(core.origin());
  if (core.has_workshop_scheduled()) {
    const v1::WorkshopScheduled& scheduled = core.workshop_scheduled();
    view.set_theme(scheduled.theme());
    view.set_day(scheduled.day());
    view.set_places(scheduled.places());
  } else {
    const std::string& family = core.has_workshop_registered() ? core.workshop_registered().family_id()
                                                              : core.workshop_attended().family_id();
    const uint32_t member = core.has_workshop_registered() ? core.workshop_registered().member_id()
                                                          : core.workshop_attended().member_id();
    v1::WorkshopSeat* seat = nullptr;
    for (v1::WorkshopSeat& existing : *view.mutable_seats()) {
      if (existing.family_id() == family && existing.member_id() == member) seat = &existing;
    }
    if (seat == nullptr) {
      seat = view.add_seats();
      seat->set_family_id(family);
      seat->set_member_id(member);
    }
    if (core.has_workshop_attended()) seat->set_attended(core.workshop_attended().attended());
  }
  PutRecord(batch, key, view);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::WorkshopView>> FindWorkshop(const Store& store,
                                                             absl::string_view workshop_id) {
  return GetRecord<v1::WorkshopView>(store, ViewKey({"workshop", workshop_id}));
}

absl::StatusOr<std::vector<v1::WorkshopView>> AllWorkshops(const Store& store) {
  std::vector<v1::WorkshopView> workshops;
  RETURN_IF_ERROR(ScanViews(store, ViewPrefix({"workshop"}), [&](absl::string_view, absl::string_view v) {
    v1::WorkshopView view;
    if (view.ParseFromArray(v.data(), static_cast<int>(v.size()))) workshops.push_back(view);
    return true;
  }));
  return workshops;
}

absl::StatusOr<v1::DonorReport> ReadDonorReport(const Store& store) {
  ASSIGN_OR_RETURN(v1::Catalogue catalogue, ReadCatalogue(store));
  std::map<std::string, v1::DonorGifts> by_donor;
  for (const v1::Donor& donor : catalogue.donors()) *by_donor[donor.donor_id()].mutable_donor() = donor;
  const std::string prefix = ViewPrefix({"gift"});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view value) {
    std::vector<std::string> parts = SplitViewKey(key, prefix);  // donor, site
    if (parts.size() != 2) return true;
    v1::DonorGifts& gifts = by_donor[parts[0]];
    if (!gifts.has_donor()) gifts.mutable_donor()->set_donor_id(parts[0]);
    v1::SiteGifts* site = gifts.add_by_site();
    site->set_site(parts[1]);
    site->set_units(static_cast<int64_t>(ReadBigEndian64(value, 0).value_or(0)));
    site->set_reference_value_cents(static_cast<int64_t>(ReadBigEndian64(value, 8).value_or(0)));
    gifts.set_units(gifts.units() + site->units());
    gifts.set_reference_value_cents(gifts.reference_value_cents() + site->reference_value_cents());
    return true;
  }));
  v1::DonorReport report;
  for (auto& [id, gifts] : by_donor) *report.add_donors() = std::move(gifts);
  return report;
}

}  // namespace comptoir
