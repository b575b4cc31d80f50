// JSON builders shared by the runtime unit tests: objects, watch event lines and list bodies of a
// made-up namespaced kind, so scripts read like recorded API traffic.
#pragma once

#include <string>
#include <vector>

#include "kube/object.h"
#include "kube/resource.h"

namespace orderops::runtime::testdata {

inline const kube::ResourceType kWidgets{"example.io", "v1", "widgets", "Widget", true};
inline const std::string kWidgetsPath = "/apis/example.io/v1/namespaces/ns/widgets";

inline kube::Json widget(const std::string& name, const std::string& rv, int generation = 1) {
  return {{"apiVersion", "example.io/v1"},
          {"kind", "Widget"},
          {"metadata",
           {{"name", name},
            {"namespace", "ns"},
            {"resourceVersion", rv},
            {"uid", "uid-" + name},
            {"generation", generation}}}};
}

inline std::string event(const std::string& type, const std::string& name, const std::string& rv) {
  return kube::Json{{"type", type}, {"object", widget(name, rv)}}.dump();
}

inline std::string bookmark(const std::string& rv) {
  return kube::Json{{"type", "BOOKMARK"},
                    {"object",
                     {{"apiVersion", "example.io/v1"},
                      {"kind", "Widget"},
                      {"metadata", {{"resourceVersion", rv}}}}}}
      .dump();
}

inline std::string status_body(int code, const std::string& reason, const std::string& message) {
  return kube::Json{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", kube::Json::object()},
                    {"status", "Failure"}, {"message", message}, {"reason", reason},
                    {"code", code}}
      .dump();
}

inline std::string error_event(int code, const std::string& reason) {
  return kube::Json{
      {"type", "ERROR"},
      {"object", kube::Json::parse(status_body(code, reason, "too old resource version"))}}
      .dump();
}

inline std::string list_body(const std::string& rv, const std::vector<kube::Json>& items,
                             const std::string& next = "") {
  kube::Json body = {{"apiVersion", "example.io/v1"},
                     {"kind", "WidgetList"},
                     {"metadata", {{"resourceVersion", rv}}},
                     {"items", items}};
  if (!next.empty()) body["metadata"]["continue"] = next;
  return body.dump();
}

}  // namespace orderops::runtime::testdata
