#include "node/cli/cli_enums.h"

#include "comptoir/v1/domain.pb.h"

namespace comptoir::cli {

const std::map<std::string, int>& HouseholdWords() {
  static const auto* words = new std::map<std::string, int>{
      {"single-parent", v1::SINGLE_PARENT},
      {"couple-with-children", v1::COUPLE_WITH_CHILDREN},
      {"couple-without-children", v1::COUPLE_WITHOUT_CHILDREN},
      {"single-person", v1::SINGLE_PERSON},
      {"other", v1::OTHER_HOUSEHOLD}};
  return *words;
}

const std::map<std::string, int>& IncomeWords() {
  static const auto* words = new std::map<std::string, int>{
      {"rsa", v1::RSA},           {"aah", v1::AAH},         {"unemployment", v1::UNEMPLOYMENT_BENEFIT},
      {"wages", v1::WAGES},       {"pension", v1::PENSION}, {"invalidity", v1::INVALIDITY},
      {"none", v1::NO_INCOME},    {"other", v1::OTHER_INCOME}};
  return *words;
}

const std::map<std::string, int>& SexWords() {
  static const auto* words = new std::map<std::string, int>{{"f", v1::FEMALE}, {"m", v1::MALE}};
  return *words;
}

const std::map<std::string, int>& PaymentWords() {
  static const auto* words = new std::map<std::string, int>{
      {"cash", v1::CASH}, {"card", v1::CARD}, {"cheque", v1::CHEQUE}, {"other", v1::OTHER_PAYMENT}};
  return *words;
}

const std::map<std::string, int>& AdjustmentWords() {
  static const auto* words = new std::map<std::string, int>{
      {"stocktake", v1::STOCKTAKE}, {"expired", v1::EXPIRED}, {"damaged", v1::DAMAGED},
      {"other", v1::OTHER_ADJUSTMENT}};
  return *words;
}

}  // namespace comptoir::cli
