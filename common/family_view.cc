#include "common/family_view.h"

#include "common/civil_day.h"
#include "common/erasure.h"
#include "common/hlc.h"
#include "common/keys.h"
#include "common/lww.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

absl::Status FoldFamilyFields(const Store& store, Batch& batch, const DecodedEvent& event) {
  const v1::EventCore& core = event.core();
  v1::Stamp stamp;
  stamp.set_hlc(core.hlc());
  stamp.set_origin(core.origin());
  v1::PersonalPart personal;
  const bool has_personal =
      !event.record().personal().empty() && personal.ParseFromString(event.record().personal());

  const std::string& family_id = core.has_family_registered()
                                     ? core.family_registered().family_id()
                                     : core.family_updated().family_id();
  const std::string key = ViewKey({"family", family_id});
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> held,
                   GetRecord<v1::FamilyRecord>(store, key, &batch));
  v1::FamilyRecord record = held.value_or(v1::FamilyRecord());
  record.set_family_id(family_id);

  if (core.has_family_registered()) {
    const v1::FamilyRegistered& registered = core.family_registered();
    record.set_registered_by(core.origin());
    record.set_registered_day(!registered.day().empty()
                                  ? registered.day()
                                  : ParisDay(HybridClock::PhysicalMillis(core.hlc())));
    WriteIfNewer(record, stamp, "household_type", [&] { record.set_household_type(registered.household_type()); });
    WriteIfNewer(record, stamp, "income_sources", [&] { *record.mutable_income_sources() = registered.income_sources(); });
    WriteIfNewer(record, stamp, "reste_a_vivre_band", [&] { record.set_reste_a_vivre_band(registered.reste_a_vivre_band()); });
    WriteIfNewer(record, stamp, "members", [&] { *record.mutable_members() = registered.members(); });
    WriteIfNewer(record, stamp, "postcode", [&] { record.set_postcode(registered.postcode()); });
    if (!registered.notice_version().empty()) {
      WriteIfNewer(record, stamp, "notice", [&] {
        record.set_notice_version(registered.notice_version());
        record.set_notice_day(record.registered_day());
      });
    }
    if (has_personal) {
      WriteIfNewer(record, stamp, "family_name", [&] { record.set_family_name(personal.family_name()); });
      WriteIfNewer(record, stamp, "first_names", [&] { *record.mutable_first_names() = personal.member_first_names(); });
    }
  } else {
    const v1::FamilyUpdated& updated = core.family_updated();
    if (updated.has_household_type()) {
      WriteIfNewer(record, stamp, "household_type", [&] { record.set_household_type(updated.household_type()); });
    }
    if (updated.has_income_sources()) {
      WriteIfNewer(record, stamp, "income_sources", [&] { *record.mutable_income_sources() = updated.income_sources().sources(); });
    }
    if (updated.has_reste_a_vivre_band()) {
      WriteIfNewer(record, stamp, "reste_a_vivre_band", [&] { record.set_reste_a_vivre_band(updated.reste_a_vivre_band()); });
    }
    if (updated.has_members()) {
      WriteIfNewer(record, stamp, "members", [&] { *record.mutable_members() = updated.members().members(); });
    }
    if (updated.has_postcode()) {
      WriteIfNewer(record, stamp, "postcode", [&] { record.set_postcode(updated.postcode()); });
    }
    if (updated.has_notice_version()) {
      WriteIfNewer(record, stamp, "notice", [&] {
        record.set_notice_version(updated.notice_version());
        record.set_notice_day(updated.notice_day());
      });
    }
    if (has_personal && updated.family_name_set()) {
      WriteIfNewer(record, stamp, "family_name", [&] { record.set_family_name(personal.family_name()); });
    }
    if (has_personal && updated.first_names_set()) {
      WriteIfNewer(record, stamp, "first_names", [&] { *record.mutable_first_names() = personal.member_first_names(); });
    }
  }
  if (!record.erased_day().empty()) {
    // Erased: a name written before the erasure and received after it (an
    // offline centre's edit) is not kept.
    record.clear_family_name();
    record.clear_first_names();
  }
  PutRecord(batch, key, record);
  return absl::OkStatus();
}

absl::Status FoldReferral(const Store& store, Batch& batch, const v1::EventCore& core) {
  v1::Stamp stamp;
  stamp.set_hlc(core.hlc());
  stamp.set_origin(core.origin());
  std::string referral_id;
  std::string family_id;
  if (core.has_referral_granted()) {
    referral_id = core.referral_granted().referral_id();
    family_id = core.referral_granted().family_id();
  } else if (core.has_referral_renewed()) {
    referral_id = core.referral_renewed().referral_id();
    family_id = core.referral_renewed().family_id();
  } else {
    referral_id = core.referral_ended().referral_id();
    family_id = core.referral_ended().family_id();
  }
  const std::string key = ViewKey({"referral", referral_id});
  ASSIGN_OR_RETURN(std::optional<v1::ReferralRecord> held,
                   GetRecord<v1::ReferralRecord>(store, key, &batch));
  v1::ReferralRecord record = held.value_or(v1::ReferralRecord());
  v1::ReferralView* referral = record.mutable_referral();
  auto write = [&](const std::string& field, auto set) { WriteIfNewer(record, stamp, field, set); };
  referral->set_referral_id(referral_id);
  referral->set_family_id(family_id);
  if (core.has_referral_granted()) {
    const v1::ReferralGranted& granted = core.referral_granted();
    referral->set_prescriber_id(granted.prescriber_id());
    referral->set_start_day(granted.start_day());
    referral->set_granted_by(core.origin());
    write("end_day", [&] { referral->set_end_day(granted.end_day()); });
    write("ceiling", [&] { referral->set_monthly_ceiling_cents(granted.monthly_ceiling_cents()); });
  } else if (core.has_referral_renewed()) {
    const v1::ReferralRenewed& renewed = core.referral_renewed();
    write("end_day", [&] {
      referral->set_end_day(renewed.end_day());
      referral->set_ended(false);
    });
    if (renewed.has_monthly_ceiling_cents()) {
      write("ceiling", [&] { referral->set_monthly_ceiling_cents(renewed.monthly_ceiling_cents()); });
    }
  } else {
    write("end_day", [&] {
      referral->set_end_day(core.referral_ended().end_day());
      referral->set_ended(true);
    });
  }
  PutRecord(batch, key, record);
  batch.Put(Column::kViews, ViewKey({"freferral", family_id, referral_id}), "");
  return absl::OkStatus();
}

}  // namespace

absl::Status EraseFamilyRecord(const Store& store, Batch& batch, absl::string_view family_id,
                               absl::string_view day) {
  const std::string key = ViewKey({"family", family_id});
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> held,
                   GetRecord<v1::FamilyRecord>(store, key, &batch));
  v1::FamilyRecord record = held.value_or(v1::FamilyRecord());
  record.set_family_id(std::string(family_id));
  if (record.erased_day().empty() || day < record.erased_day()) {
    record.set_erased_day(std::string(day));
  }
  record.clear_family_name();
  record.clear_first_names();
  PutRecord(batch, key, record);
  StageErasureMarks(batch, family_id, record.erased_day());
  return absl::OkStatus();
}

absl::Status FoldFamily(const Store& store, Batch& batch, const DecodedEvent& event) {
  switch (event.core().body_case()) {
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
      return FoldFamilyFields(store, batch, event);
    case v1::EventCore::kReferralGranted:
    case v1::EventCore::kReferralRenewed:
    case v1::EventCore::kReferralEnded:
      return FoldReferral(store, batch, event.core());
    case v1::EventCore::kFamilyErased:
      return EraseFamilyRecord(store, batch, event.core().family_erased().family_id(),
                               event.core().family_erased().day());
    default:
      return absl::OkStatus();
  }
}

absl::Status AddSpending(const Store& store, Batch& batch, absl::string_view family_id,
                         absl::string_view month, int64_t delta_cents) {
  return AddToCounter(store, batch, ViewKey({"spend", family_id, month}), delta_cents).status();
}

absl::StatusOr<int64_t> SpentInMonth(const Store& store, absl::string_view family_id,
                                     absl::string_view month) {
  return ReadCounter(store, ViewKey({"spend", family_id, month}));
}

absl::StatusOr<std::optional<v1::FamilyRecord>> FindFamily(const Store& store,
                                                           absl::string_view family_id) {
  return GetRecord<v1::FamilyRecord>(store, ViewKey({"family", family_id}));
}

absl::Status ForEachFamily(const Store& store,
                           const std::function<void(v1::FamilyRecord)>& visit) {
  return ScanViews(store, ViewPrefix({"family"}), [&](absl::string_view, absl::string_view v) {
    v1::FamilyRecord record;
    if (record.ParseFromArray(v.data(), static_cast<int>(v.size()))) visit(std::move(record));
    return true;
  });
}

absl::StatusOr<std::vector<v1::FamilyRecord>> AllFamilies(const Store& store) {
  std::vector<v1::FamilyRecord> families;
  RETURN_IF_ERROR(ForEachFamily(store, [&](v1::FamilyRecord record) {
    families.push_back(std::move(record));
  }));
  return families;
}

absl::StatusOr<std::optional<v1::ReferralRecord>> FindReferral(const Store& store,
                                                               absl::string_view referral_id) {
  return GetRecord<v1::ReferralRecord>(store, ViewKey({"referral", referral_id}));
}

absl::StatusOr<std::vector<v1::ReferralView>> ReferralsOf(const Store& store,
                                                          absl::string_view family_id) {
  std::vector<std::string> ids;
  const std::string prefix = ViewPrefix({"freferral", family_id});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return true;
  }));
  std::vector<v1::ReferralView> referrals;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<v1::ReferralRecord> record, FindReferral(store, id));
    if (record.has_value()) referrals.push_back(record->referral());
  }
  return referrals;
}

std::optional<v1::ReferralView> ReferralCovering(const std::vector<v1::ReferralView>& referrals,
                                                 absl::string_view day) {
  std::optional<v1::ReferralView> best;
  for (const v1::ReferralView& referral : referrals) {
    // Days are "YYYY-MM-DD": string order is calendar order.
    if (referral.start_day() <= day && day <= referral.end_day()) {
      if (!best.has_value() || referral.end_day() > best->end_day()) best = referral;
    }
  }
  return best;
}

}  // namespace comptoir
