#include "common/flags.h"

#include <charconv>
#include <iostream>

namespace orderops {

int report_flag_error(const Error& error) {
  if (error.reason == kHelpReason) {
    std::cout << error.message;
    return 0;
  }
  std::cerr << error.message << "\n";
  return 2;
}

void FlagSet::add(std::string_view names, Kind kind, void* target, std::string help) {
  Flag flag{{}, kind, target, std::move(help)};
  size_t start = 0;
  while (start <= names.size()) {
    const size_t comma = names.find(',', start);
    const size_t end = comma == std::string_view::npos ? names.size() : comma;
    flag.names.emplace_back(names.substr(start, end - start));
    start = end + 1;
  }
  flags_.push_back(std::move(flag));
}

void FlagSet::add_string(std::string_view names, std::string* target, std::string help) {
  add(names, Kind::kString, target, std::move(help));
}
void FlagSet::add_bool(std::string_view names, bool* target, std::string help) {
  add(names, Kind::kBool, target, std::move(help));
}
void FlagSet::add_int(std::string_view names, std::int64_t* target, std::string help) {
  add(names, Kind::kInt, target, std::move(help));
}
void FlagSet::add_optional_string(std::string_view names, std::optional<std::string>* target,
                                  std::string help) {
  add(names, Kind::kOptionalString, target, std::move(help));
}

const FlagSet::Flag* FlagSet::find(std::string_view name) const {
  for (const auto& f : flags_) {
    for (const auto& n : f.names) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

Status FlagSet::assign(const Flag& flag, std::string_view name, std::string_view value) const {
  switch (flag.kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag.target) = std::string(value);
      return {};
    case Kind::kOptionalString:
      *static_cast<std::optional<std::string>*>(flag.target) = std::string(value);
      return {};
    case Kind::kBool:
      if (value == "true" || value == "1") {
        *static_cast<bool*>(flag.target) = true;
      } else if (value == "false" || value == "0") {
        *static_cast<bool*>(flag.target) = false;
      } else {
        return invalid(std::string(name) + ": \"" + std::string(value) + "\" is not true or false");
      }
      return {};
    case Kind::kInt: {
      std::int64_t v = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        return invalid(std::string(name) + ": \"" + std::string(value) + "\" is not an integer");
      }
      *static_cast<std::int64_t*>(flag.target) = v;
      return {};
    }
  }
  return {};
}

Result<std::vector<std::string>> FlagSet::parse(std::span<const std::string> args) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if ((arg == "--help" || arg == "-h") && find(arg) == nullptr) {
      return make_error(ErrorCode::kInvalid, usage(), std::string(kHelpReason));
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const Flag* flag = find(name);
    if (flag == nullptr) {
      return invalid(command_ + ": unknown flag " + name + "\n" + usage());
    }
    if (eq != std::string::npos) {
      if (auto s = assign(*flag, name, std::string_view(arg).substr(eq + 1)); !s) {
        return std::unexpected(s.error());
      }
      continue;
    }
    if (flag->kind == Kind::kBool) {
      *static_cast<bool*>(flag->target) = true;
      continue;
    }
    if (i + 1 >= args.size()) return invalid(name + ": missing value");
    if (auto s = assign(*flag, name, args[++i]); !s) return std::unexpected(s.error());
  }
  return positional;
}

std::string FlagSet::usage() const {
  std::string out = "usage: " + command_ + " [flags]\n";
  for (const auto& f : flags_) {
    std::string names;
    for (const auto& n : f.names) names += (names.empty() ? "" : ", ") + n;
    out += "  " + names + "\t" + f.help + "\n";
  }
  return out;
}

}  // namespace orderops
