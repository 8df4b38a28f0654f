// Till commands: workshops, and the donors' report.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/limits.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/workshop_view.h"
#include "node/till.h"

namespace comptoir {
namespace {


// The workshop, which must be run by this centre.
absl::StatusOr<v1::WorkshopView> RequireOwnWorkshop(const Store& store, absl::string_view site,
                                                    absl::string_view workshop_id) {
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> workshop, FindWorkshop(store, workshop_id));
  if (!workshop.has_value()) {
    return absl::NotFoundError(absl::StrCat("Atelier ", workshop_id, " introuvable."));
  }
  if (workshop->site() != site) {
    return absl::FailedPreconditionError(absl::StrCat(
        "L'atelier ", workshop_id, " est organisé par le centre ", workshop->site(),
        " : les inscriptions se font là-bas."));
  }
  return *std::move(workshop);
}

absl::Status RequireMember(const Store& store, absl::string_view family_id, uint32_t member_id) {
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family, FindFamily(store, family_id));
  if (!family.has_value()) {
    return absl::NotFoundError(absl::StrCat("Famille ", family_id, " inconnue dans ce centre."));
  }
  for (const v1::Member& member : family->members()) {
    if (member.member_id() == member_id) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("La famille ", family_id, " n'a pas de personne n° ", member_id, "."));
}

const v1::WorkshopSeat* FindSeat(const v1::WorkshopView& workshop, absl::string_view family_id,
                                 uint32_t member_id) {
  for (const v1::WorkshopSeat& seat : workshop.seats()) {
    if (seat.family_id() == family_id && seat.member_id() == member_id) return &seat;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<v1::DonorReport> Till::ListDonors() { return ReadDonorReport(node_->store()); }

absl::StatusOr<v1::WorkshopView> Till::ScheduleWorkshop(const v1::ScheduleWorkshopRequest& request) {
  if (absl::StripAsciiWhitespace(request.theme()).empty() || request.theme().size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError("Indiquez le thème de l'atelier.");
  }
  if (!IsValidDay(request.day())) {
    return absl::InvalidArgumentError(absl::StrCat("Date invalide : « ", request.day(), " » (AAAA-MM-JJ)."));
  }
  if (request.places() == 0 || request.places() > kMaxWorkshopPlaces) {
    return absl::InvalidArgumentError(absl::StrCat("Nombre de places entre 1 et ", kMaxWorkshopPlaces, "."));
  }
  std::string workshop_id;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    if (request.day() < ctx.today()) {
      return absl::InvalidArgumentError("Cette date est passée.");
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("workshop"));
    workshop_id = LocalId(ctx.prefix(), 'W', number);
    v1::EventCore core;
    v1::WorkshopScheduled* scheduled = core.mutable_workshop_scheduled();
    scheduled->set_workshop_id(workshop_id);
    scheduled->set_theme(std::string(absl::StripAsciiWhitespace(request.theme())));
    scheduled->set_day(request.day());
    scheduled->set_places(request.places());
    return ctx.Append(std::move(core), nullptr).status();
  }));
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> view, FindWorkshop(node_->store(), workshop_id));
  return *view;
}

absl::StatusOr<v1::WorkshopView> Till::RegisterForWorkshop(const v1::WorkshopMemberRequest& request) {
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::WorkshopView workshop,
                     RequireOwnWorkshop(ctx.store(), ctx.site(), request.workshop_id()));
    RETURN_IF_ERROR(RequireMember(ctx.store(), request.family_id(), request.member_id()));
    if (FindSeat(workshop, request.family_id(), request.member_id()) != nullptr) {
      return absl::AlreadyExistsError("Cette personne est déjà inscrite à l'atelier.");
    }
    if (static_cast<uint32_t>(workshop.seats_size()) >= workshop.places()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "L'atelier est complet (", workshop.places(), " places)."));
    }
    if (workshop.day() < ctx.today()) {
      return absl::FailedPreconditionError("Cet atelier a déjà eu lieu.");
    }
    v1::EventCore core;
    v1::WorkshopRegistered* registered = core.mutable_workshop_registered();
    registered->set_workshop_id(request.workshop_id());
    registered->set_family_id(request.family_id());
    registered->set_member_id(request.member_id());
    return ctx.Append(std::move(core), nullptr).status();
  }));
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> view,
                   FindWorkshop(node_->store(), request.workshop_id()));
  return *view;
}

absl::StatusOr<v1::WorkshopView> Till::RecordAttendance(const v1::RecordAttendanceRequest& request) {
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::WorkshopView workshop,
                     RequireOwnWorkshop(ctx.store(), ctx.site(), request.workshop_id()));
    if (FindSeat(workshop, request.family_id(), request.member_id()) == nullptr) {
      return absl::FailedPreconditionError(
          "Cette personne n'est pas inscrite : inscrivez-la d'abord (s'il reste de la place).");
    }
    if (workshop.day() > ctx.today()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "L'atelier n'a lieu que le ", FrenchDay(workshop.day()), " : la présence se note ce jour-là."));
    }
    v1::EventCore core;
    v1::WorkshopAttended* attended = core.mutable_workshop_attended();
    attended->set_workshop_id(request.workshop_id());
    attended->set_family_id(request.family_id());
    attended->set_member_id(request.member_id());
    attended->set_attended(request.attended());
    return ctx.Append(std::move(core), nullptr).status();
  }));
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> view,
                   FindWorkshop(node_->store(), request.workshop_id()));
  return *view;
}

absl::StatusOr<v1::ListWorkshopsResponse> Till::ListWorkshops(const v1::ListWorkshopsRequest& request) {
  std::string from = request.from_day();
  if (from.empty()) from = AddDays(node_->Today(), -30).value_or("");
  if (!IsValidDay(from)) return absl::InvalidArgumentError("Date de début invalide (AAAA-MM-JJ).");
  ASSIGN_OR_RETURN(std::vector<v1::WorkshopView> all, AllWorkshops(node_->store()));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(a.day(), a.workshop_id()) < std::tie(b.day(), b.workshop_id());
  });
  v1::ListWorkshopsResponse response;
  for (v1::WorkshopView& workshop : all) {
    if (workshop.day() >= from) *response.add_workshops() = std::move(workshop);
  }
  return response;
}

}  // namespace comptoir
