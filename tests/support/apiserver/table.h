// meta.k8s.io/v1 Table output for `kubectl get`: Accept negotiation, column definitions (CRD
// additionalPrinterColumns, or the compiled-in printers of the built-ins), rows with
// PartialObjectMetadata, and Go's HumanDuration for ages. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/resource_type.h"
#include "apiserver/status_error.h"
#include "common/clock.h"

namespace orderops::apiserver {

enum class OutputFormat { kJson, kTable };

// Picks the first acceptable media type of an Accept header; 406 when none is.
ApiResult<OutputFormat> negotiate_output(const std::string& accept);

enum class IncludeObject { kNone, kMetadata, kObject };
ApiResult<IncludeObject> parse_include_object(const std::string& value);

class TableWriter {
 public:
  TableWriter(const ResourceType& type, SystemTime now, IncludeObject include);
  nlohmann::json columns() const;
  nlohmann::json row(const nlohmann::json& object) const;
  // A complete Table; `with_columns` false for watch events after the first.
  nlohmann::json table(const std::vector<nlohmann::json>& objects, const nlohmann::json& metadata,
                       bool with_columns = true) const;

 private:
  nlohmann::json cell(const PrinterColumn& column, const nlohmann::json& object) const;
  nlohmann::json builtin_cell(const std::string& name, const nlohmann::json& object) const;

  const ResourceType& type_;
  SystemTime now_;
  IncludeObject include_;
  std::vector<PrinterColumn> columns_;
};

// k8s.io/apimachinery/pkg/util/duration.HumanDuration.
std::string human_duration(std::chrono::seconds d);

}  // namespace orderops::apiserver
