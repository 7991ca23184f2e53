// Where axpod finds its shipped files (configs/, rtl/): $AXPOD_HOME when set, else the source
// tree the binary was built from.
#pragma once

#include <string>

namespace axpod::paths {

/// Root folder holding configs/ and rtl/.
std::string home();

/// `home()/relative`.
std::string shipped(const std::string& relative);

}  // namespace axpod::paths
