// Words people type on the command line for the API's enums.
#ifndef COMPTOIR_NODE_CLI_CLI_ENUMS_H_
#define COMPTOIR_NODE_CLI_CLI_ENUMS_H_

#include <map>
#include <string>

namespace comptoir::cli {

const std::map<std::string, int>& HouseholdWords();
const std::map<std::string, int>& IncomeWords();
const std::map<std::string, int>& SexWords();
const std::map<std::string, int>& PaymentWords();
const std::map<std::string, int>& AdjustmentWords();

}  // namespace comptoir::cli

#endif  // COMPTOIR_NODE_CLI_CLI_ENUMS_H_
