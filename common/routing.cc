#include "common/routing.h"

namespace comptoir {

bool PersonalPartTravels(v1::EventCore::BodyCase body) {
  switch (body) {
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
      return true;
    default:
      return false;
  }
}

}  // namespace comptoir
