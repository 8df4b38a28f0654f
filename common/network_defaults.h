// The network configuration a new hub starts with (and what a centre that has
// never reached a hub uses for departments): the seed document's departments
// and discounts, the prescribers and donors it names. Head office changes them
// with `comptoir catalogue ...` on the hub; this table is only the start.
#ifndef COMPTOIR_COMMON_NETWORK_DEFAULTS_H_
#define COMPTOIR_COMMON_NETWORK_DEFAULTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

#include "comptoir/v1/domain.pb.h"

namespace comptoir {

const std::vector<v1::Department>& DefaultDepartments();
const std::vector<v1::Prescriber>& DefaultPrescribers();
const std::vector<v1::Donor>& DefaultDonors();

// A centre's French name for people ("Armentières" for "armentieres"); a site
// the network's seed does not name is shown with a capital ("Roubaix").
std::string CentreName(absl::string_view site);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_NETWORK_DEFAULTS_H_
