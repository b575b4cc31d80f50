// The summary `orderops run` prints: label, value and an optional note per row, the values
// aligned in one column so a person can read it at a glance. Value type; not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace orderops::cli {

class SummaryTable {
 public:
  void add(std::string label, std::string value, std::string note = {});
  // One line per row, labels padded to the longest, the note three spaces after the value.
  std::string render() const;

 private:
  struct Row {
    std::string label;
    std::string value;
    std::string note;
  };
  std::vector<Row> rows_;
};

}  // namespace orderops::cli
