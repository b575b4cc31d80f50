#include "run_summary.h"

#include <algorithm>

namespace orderops::cli {
namespace {

// Two spaces after the longest label, as in the examples of api.md and the runbooks.
constexpr std::size_t kGap = 2;
constexpr std::string_view kNoteGap = "   ";

}  // namespace

void SummaryTable::add(std::string label, std::string value, std::string note) {
  rows_.push_back({std::move(label), std::move(value), std::move(note)});
}

std::string SummaryTable::render() const {
  std::size_t width = 0;
  for (const auto& r : rows_) width = std::max(width, r.label.size());
  std::string out;
  for (const auto& r : rows_) {
    std::string line = r.label + std::string(width + kGap - r.label.size(), ' ') + r.value;
    if (!r.note.empty()) line += std::string(kNoteGap) + r.note;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace orderops::cli
