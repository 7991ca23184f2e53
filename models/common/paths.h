// Where axpod finds its shipped files (configs/, rtl/): $AXPOD_HOME when set; else
// `<executable dir>/../share/axpod` when it holds configs/ (an installed axpod, `cmake
// --install`); else the source tree the binary was built from (a build tree).
#pragma once

#include <string>

namespace axpod::paths {

/// Root folder holding configs/ and rtl/.
std::string home();

/// `home()/relative`.
std::string shipped(const std::string& relative);

/// `path` relative to home() when it lies under it (e.g. "configs/gate_library.yaml"), else
/// `path` unchanged: for provenance records that must not carry a machine's paths.
std::string relative_to_home(const std::string& path);

}  // namespace axpod::paths
