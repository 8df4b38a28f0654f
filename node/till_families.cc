// Till commands: families and referrals.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/money.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "common/view_io.h"
#include "node/family_card.h"
#include "node/notice.h"
#include "node/request_ids.h"
#include "node/till.h"

namespace comptoir {
namespace {

constexpr size_t kMaxNameLength = 100;
constexpr int kMaxMembers = 20;
constexpr int64_t kMaxCeilingCents = 100000000;

absl::Status ValidateMembers(const google::protobuf::RepeatedPtrField<v1::MemberInput>& members,
                             int current_year) {
  if (members.empty()) return absl::InvalidArgumentError("Le foyer doit compter au moins une personne.");
  if (members.size() > kMaxMembers) {
    return absl::InvalidArgumentError(absl::StrCat("Un foyer compte au plus ", kMaxMembers, " personnes."));
  }
  for (int i = 0; i < members.size(); ++i) {
    const v1::MemberInput& member = members[i];
    const std::string who = absl::StrCat("Personne ", i + 1);
    if (absl::StripAsciiWhitespace(member.first_name()).empty() ||
        member.first_name().size() > kMaxNameLength) {
      return absl::InvalidArgumentError(absl::StrCat(who, " : indiquez un prénom."));
    }
    if (member.birth_year() < 1900 || static_cast<int>(member.birth_year()) > current_year) {
      return absl::InvalidArgumentError(absl::StrCat(
          who, " (", member.first_name(), ") : année de naissance invalide (", member.birth_year(), ")."));
    }
    if (!v1::Sex_IsValid(member.sex())) return absl::InvalidArgumentError(absl::StrCat(who, " : sexe invalide."));
  }
  return absl::OkStatus();
}

absl::Status ValidateIncomeSources(const google::protobuf::RepeatedField<int>& sources) {
  for (int source : sources) {
    if (!v1::IncomeSource_IsValid(source) || source == v1::INCOME_SOURCE_UNSPECIFIED) {
      return absl::InvalidArgumentError("Source de revenus invalide.");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateHousehold(v1::HouseholdType type) {
  if (!v1::HouseholdType_IsValid(type) || type == v1::HOUSEHOLD_TYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "Indiquez la composition du foyer (monoparental, couple avec ou sans enfants, personne seule...).");
  }
  return absl::OkStatus();
}

absl::Status ValidatePostcode(absl::string_view postcode) {
  if (postcode.size() > 10) return absl::InvalidArgumentError("Code postal invalide.");
  for (char c : postcode) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("Code postal invalide.");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::FamilyRecord> RequireFamily(const Store& store, absl::string_view typed_id) {
  const std::string family_id = absl::AsciiStrToUpper(typed_id);  // as people type it
  if (!IsWellFormedId(family_id)) {
    return absl::InvalidArgumentError(absl::StrCat("Numéro de carte mal formé : « ", family_id, " »."));
  }
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family, FindFamily(store, family_id));
  if (!family.has_value()) {
    return absl::NotFoundError(absl::StrCat("Famille ", family_id, " inconnue dans ce centre."));
  }
  return *std::move(family);
}

absl::StatusOr<v1::ReferralRecord> RequireReferral(const Store& store, absl::string_view id) {
  ASSIGN_OR_RETURN(std::optional<v1::ReferralRecord> referral, FindReferral(store, id));
  if (!referral.has_value()) return absl::NotFoundError(absl::StrCat("Orientation ", id, " introuvable."));
  return *std::move(referral);
}

absl::Status ValidateDay(absl::string_view day, absl::string_view what) {
  if (!IsValidDay(day)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " invalide : « ", day, " » (format AAAA-MM-JJ)."));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::FamilyView> FamilyViewOf(const Store& store, const v1::FamilyRecord& record,
                                      absl::string_view today) {
  v1::FamilyView view;
  view.set_family_id(record.family_id());
  view.set_family_name(record.family_name());
  for (const v1::Member& member : record.members()) {
    v1::MemberView* out = view.add_members();
    out->set_member_id(member.member_id());
    auto name = record.first_names().find(member.member_id());
    if (name != record.first_names().end()) out->set_first_name(name->second);
    out->set_sex(member.sex());
    out->set_birth_year(member.birth_year());
  }
  view.set_household_type(record.household_type());
  *view.mutable_income_sources() = record.income_sources();
  view.set_reste_a_vivre_band(record.reste_a_vivre_band());
  view.set_postcode(record.postcode());
  view.set_registered_by(record.registered_by());
  view.set_registered_day(record.registered_day());
  view.set_notice_version(record.notice_version());
  view.set_notice_day(record.notice_day());
  view.set_erased_day(record.erased_day());
  ASSIGN_OR_RETURN(std::vector<v1::ReferralView> referrals, ReferralsOf(store, record.family_id()));
  for (const auto& referral : referrals) *view.add_referrals() = referral;
  ASSIGN_OR_RETURN(int64_t spent, SpentInMonth(store, record.family_id(), MonthOf(today)));
  view.set_spent_this_month_cents(spent);
  std::optional<v1::ReferralView> current = ReferralCovering(referrals, today);
  if (current.has_value()) {
    view.set_may_shop_today(true);
    view.set_monthly_ceiling_cents(current->monthly_ceiling_cents());
    if (current->monthly_ceiling_cents() > 0) {
      view.set_ceiling_remaining_cents(current->monthly_ceiling_cents() - spent);
    }
  } else {
    std::string last_end;
    for (const auto& referral : referrals) last_end = std::max(last_end, referral.end_day());
    view.set_refusal(referrals.empty()
                         ? "Aucune orientation enregistrée pour cette famille."
                         : (last_end < std::string(today)
                                ? absl::StrCat("Orientation terminée le ", FrenchDay(last_end), ".")
                                : "L'orientation ne commence pas encore aujourd'hui."));
  }
  return view;
}

absl::StatusOr<v1::FamilyView> Till::RegisterFamily(const v1::RegisterFamilyRequest& request) {
  const std::string today = node_->Today();
  if (absl::StripAsciiWhitespace(request.family_name()).empty() ||
      request.family_name().size() > kMaxNameLength) {
    return absl::InvalidArgumentError("Indiquez le nom de la famille.");
  }
  RETURN_IF_ERROR(ValidateMembers(request.members(), YearOf(today)));
  RETURN_IF_ERROR(ValidateHousehold(request.household_type()));
  RETURN_IF_ERROR(ValidateIncomeSources(request.income_sources()));
  RETURN_IF_ERROR(ValidatePostcode(request.postcode()));
  RETURN_IF_ERROR(CheckNoticeGiven(request.notice_version()));
  if (request.reste_a_vivre_band().size() > 32 || request.request_id().size() > 128) {
    return absl::InvalidArgumentError("Tranche de reste à vivre ou request_id trop long.");
  }
  std::string family_id;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    const std::string scoped_id = absl::StrCat("family:", request.request_id());
    if (!request.request_id().empty()) {
      ASSIGN_OR_RETURN(std::optional<EarlierRequest> earlier,
                       FindEarlierRequest(ctx.store(), scoped_id));
      // Without a digest (a key kept before digests were), the first answer stands.
      if (earlier.has_value() && earlier->digest.has_value() &&
          *earlier->digest != RequestDigest(request)) {
        return absl::AlreadyExistsError(
            absl::StrCat("request_id '", request.request_id(),
                         "' a déjà servi pour une autre inscription (famille ", earlier->result,
                         ") ; utilisez un nouvel identifiant."));
      }
      if (earlier.has_value()) {
        family_id = earlier->result;
        return absl::OkStatus();
      }
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("family"));
    family_id = FamilyId(ctx.prefix(), number);
    v1::EventCore core;
    v1::FamilyRegistered* registered = core.mutable_family_registered();
    registered->set_family_id(family_id);
    registered->set_household_type(request.household_type());
    *registered->mutable_income_sources() = request.income_sources();
    registered->set_reste_a_vivre_band(request.reste_a_vivre_band());
    registered->set_postcode(request.postcode());
    registered->set_day(ctx.today());
    registered->set_notice_version(request.notice_version());
    v1::PersonalPart personal;
    personal.set_salt(RandomBytes(16));
    personal.set_family_name(std::string(absl::StripAsciiWhitespace(request.family_name())));
    for (int i = 0; i < request.members_size(); ++i) {
      v1::Member* member = registered->add_members();
      member->set_member_id(static_cast<uint32_t>(i + 1));
      member->set_sex(request.members(i).sex());
      member->set_birth_year(request.members(i).birth_year());
      (*personal.mutable_member_first_names())[i + 1] =
          std::string(absl::StripAsciiWhitespace(request.members(i).first_name()));
    }
    RETURN_IF_ERROR(ctx.Append(std::move(core), &personal).status());
    if (!request.request_id().empty()) {
      RememberRequest(ctx.batch(), scoped_id, family_id, request);
    }
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(v1::FamilyRecord record, RequireFamily(node_->store(), family_id));
  return FamilyViewOf(node_->store(), record, today);
}

absl::StatusOr<v1::FamilyView> Till::UpdateFamily(const v1::UpdateFamilyRequest& request) {
  const std::string today = node_->Today();
  const bool names = request.has_family_name() || request.replace_members();
  if (!names && !request.has_household_type() && !request.replace_income_sources() &&
      !request.has_reste_a_vivre_band() && !request.has_postcode() &&
      !request.has_notice_version()) {
    return absl::InvalidArgumentError("Rien à modifier.");
  }
  if (request.has_family_name() && (absl::StripAsciiWhitespace(request.family_name()).empty() ||
                                    request.family_name().size() > kMaxNameLength)) {
    return absl::InvalidArgumentError("Indiquez le nom de la famille.");
  }
  if (request.replace_members()) RETURN_IF_ERROR(ValidateMembers(request.members(), YearOf(today)));
  if (request.has_household_type()) RETURN_IF_ERROR(ValidateHousehold(request.household_type()));
  if (request.replace_income_sources()) RETURN_IF_ERROR(ValidateIncomeSources(request.income_sources()));
  if (request.has_postcode()) RETURN_IF_ERROR(ValidatePostcode(request.postcode()));
  if (request.has_notice_version()) RETURN_IF_ERROR(CheckNoticeGiven(request.notice_version()));
  if (request.has_reste_a_vivre_band() && request.reste_a_vivre_band().size() > 32) {
    return absl::InvalidArgumentError("Tranche de reste à vivre trop longue.");
  }
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::FamilyRecord current, RequireFamily(ctx.store(), request.family_id()));
    if (names && !current.erased_day().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Les données personnelles du foyer ", current.family_id(), " ont été effacées le ",
          FrenchDay(current.erased_day()),
          " : ses noms ne sont plus enregistrés. S'il revient, inscrivez-le à nouveau."));
    }
    v1::EventCore core;
    v1::FamilyUpdated* updated = core.mutable_family_updated();
    updated->set_family_id(current.family_id());
    if (request.has_household_type()) updated->set_household_type(request.household_type());
    if (request.replace_income_sources()) {
      *updated->mutable_income_sources()->mutable_sources() = request.income_sources();
    }
    if (request.has_reste_a_vivre_band()) updated->set_reste_a_vivre_band(request.reste_a_vivre_band());
    if (request.has_postcode()) updated->set_postcode(request.postcode());
    if (request.has_notice_version()) {
      updated->set_notice_version(request.notice_version());
      updated->set_notice_day(ctx.today());
    }
    v1::PersonalPart personal;
    personal.set_salt(RandomBytes(16));
    if (request.has_family_name()) {
      updated->set_family_name_set(true);
      personal.set_family_name(std::string(absl::StripAsciiWhitespace(request.family_name())));
    }
    if (request.replace_members()) {
      updated->set_first_names_set(true);
      for (int i = 0; i < request.members_size(); ++i) {
        v1::Member* member = updated->mutable_members()->add_members();
        member->set_member_id(static_cast<uint32_t>(i + 1));
        member->set_sex(request.members(i).sex());
        member->set_birth_year(request.members(i).birth_year());
        (*personal.mutable_member_first_names())[i + 1] =
            std::string(absl::StripAsciiWhitespace(request.members(i).first_name()));
      }
    }
    return ctx.Append(std::move(core), names ? &personal : nullptr).status();
  }));
  ASSIGN_OR_RETURN(v1::FamilyRecord record, RequireFamily(node_->store(), request.family_id()));
  return FamilyViewOf(node_->store(), record, today);
}

absl::StatusOr<v1::FamilyView> Till::EraseFamily(const v1::EraseFamilyRequest& request) {
  const std::string today = node_->Today();
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::FamilyRecord current, RequireFamily(ctx.store(), request.family_id()));
    if (!current.erased_day().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Les données du foyer ", current.family_id(), " ont déjà été effacées le ",
                       FrenchDay(current.erased_day()), "."));
    }
    v1::EventCore core;
    v1::FamilyErased* erased = core.mutable_family_erased();
    erased->set_family_id(current.family_id());
    erased->set_day(ctx.today());
    erased->set_cause(v1::ON_REQUEST);
    return ctx.Append(std::move(core), nullptr).status();
  }));
  ASSIGN_OR_RETURN(v1::FamilyRecord record, RequireFamily(node_->store(), request.family_id()));
  return FamilyViewOf(node_->store(), record, today);
}

absl::StatusOr<v1::FamilyView> Till::GetFamily(const v1::GetFamilyRequest& request) {
  ASSIGN_OR_RETURN(v1::FamilyRecord record, RequireFamily(node_->store(), request.family_id()));
  return FamilyViewOf(node_->store(), record, node_->Today());
}

absl::StatusOr<v1::ReferralView> Till::GrantReferral(const v1::GrantReferralRequest& request) {
  const std::string today = node_->Today();
  const std::string start = request.start_day().empty() ? today : request.start_day();
  RETURN_IF_ERROR(ValidateDay(start, "Date de début"));
  RETURN_IF_ERROR(ValidateDay(request.end_day(), "Date de fin"));
  if (request.end_day() < start) {
    return absl::InvalidArgumentError("La date de fin est avant la date de début.");
  }
  if (request.monthly_ceiling_cents() < 0 || request.monthly_ceiling_cents() > kMaxCeilingCents) {
    return absl::InvalidArgumentError("Plafond mensuel invalide.");
  }
  if (request.project().size() > 2000) return absl::InvalidArgumentError("Projet trop long.");
  std::string referral_id;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::FamilyRecord family, RequireFamily(ctx.store(), request.family_id()));
    ASSIGN_OR_RETURN(std::optional<v1::Prescriber> prescriber,
                     FindPrescriber(ctx.store(), request.prescriber_id()));
    if (!prescriber.has_value()) {
      return absl::NotFoundError(absl::StrCat("Prescripteur inconnu : « ", request.prescriber_id(), " »."));
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("referral"));
    referral_id = LocalId(ctx.prefix(), 'R', number);
    v1::EventCore core;
    v1::ReferralGranted* granted = core.mutable_referral_granted();
    granted->set_referral_id(referral_id);
    granted->set_family_id(family.family_id());
    granted->set_prescriber_id(request.prescriber_id());
    granted->set_start_day(start);
    granted->set_end_day(request.end_day());
    granted->set_monthly_ceiling_cents(request.monthly_ceiling_cents());
    v1::PersonalPart personal;
    personal.set_salt(RandomBytes(16));
    personal.set_project(request.project());
    return ctx.Append(std::move(core), request.project().empty() ? nullptr : &personal).status();
  }));
  ASSIGN_OR_RETURN(v1::ReferralRecord record, RequireReferral(node_->store(), referral_id));
  return record.referral();
}

absl::StatusOr<v1::ReferralView> Till::RenewReferral(const v1::RenewReferralRequest& request) {
  RETURN_IF_ERROR(ValidateDay(request.end_day(), "Nouvelle date de fin"));
  if (request.has_monthly_ceiling_cents() &&
      (request.monthly_ceiling_cents() < 0 || request.monthly_ceiling_cents() > kMaxCeilingCents)) {
    return absl::InvalidArgumentError("Plafond mensuel invalide.");
  }
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::ReferralRecord current, RequireReferral(ctx.store(), request.referral_id()));
    if (request.end_day() < current.referral().start_day()) {
      return absl::InvalidArgumentError("La nouvelle date de fin est avant le début de l'orientation.");
    }
    v1::EventCore core;
    v1::ReferralRenewed* renewed = core.mutable_referral_renewed();
    renewed->set_referral_id(request.referral_id());
    renewed->set_family_id(current.referral().family_id());
    renewed->set_end_day(request.end_day());
    renewed->set_day(ctx.today());
    if (request.has_monthly_ceiling_cents()) {
      renewed->set_monthly_ceiling_cents(request.monthly_ceiling_cents());
    }
    return ctx.Append(std::move(core), nullptr).status();
  }));
  ASSIGN_OR_RETURN(v1::ReferralRecord record, RequireReferral(node_->store(), request.referral_id()));
  return record.referral();
}

absl::StatusOr<v1::ReferralView> Till::EndReferral(const v1::EndReferralRequest& request) {
  const std::string end = request.end_day().empty() ? node_->Today() : request.end_day();
  RETURN_IF_ERROR(ValidateDay(end, "Date de fin"));
  if (request.reason().size() > 500) return absl::InvalidArgumentError("Motif trop long.");
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::ReferralRecord current, RequireReferral(ctx.store(), request.referral_id()));
    if (current.referral().ended()) {
      return absl::FailedPreconditionError("Cette orientation est déjà terminée.");
    }
    // Ending never lengthens a referral: that is a renewal, with its own event.
    if (end > current.referral().end_day()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Cette orientation finit déjà le ", FrenchDay(current.referral().end_day()),
          " : pour la prolonger, utilisez « Prolonger »."));
    }
    v1::EventCore core;
    v1::ReferralEnded* ended = core.mutable_referral_ended();
    ended->set_referral_id(request.referral_id());
    ended->set_family_id(current.referral().family_id());
    ended->set_end_day(end);
    const std::optional<v1::PersonalPart> reason = PersonalNote(request.reason());
    return ctx.Append(std::move(core), reason.has_value() ? &*reason : nullptr).status();
  }));
  ASSIGN_OR_RETURN(v1::ReferralRecord record, RequireReferral(node_->store(), request.referral_id()));
  return record.referral();
}

}  // namespace comptoir
