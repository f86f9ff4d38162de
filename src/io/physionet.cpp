#include "io/physionet.hpp"

namespace scapredict::io {

const std::vector<std::string>& sddb_record_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int r = 30; r <= 52; ++r) v.push_back(std::to_string(r));
    return v;
  }();
  return names;
}

const std::vector<std::string>& nsrdb_record_names() {
  static const std::vector<std::string> names = {
      "16265", "16272", "16273", "16420", "16483", "16539", "16773", "16786", "16795",
      "17052", "17453", "18177", "18184", "19088", "19090", "19093", "19140", "19830"};
  return names;
}

}  // namespace scapredict::io
