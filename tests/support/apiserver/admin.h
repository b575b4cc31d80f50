// The admin (fault injection) API served on --admin-port: plain HTTP, JSON in and out. See
// README.md for the endpoints. Thread-safe.
#pragma once

#include "apiserver/fault_injector.h"
#include "apiserver/http_types.h"
#include "apiserver/offset_clock.h"
#include "apiserver/store.h"

namespace orderops::apiserver {

class AdminApi {
 public:
  AdminApi(FaultInjector& faults, Store& store, OffsetClock& clock)
      : faults_(faults), store_(store), clock_(clock) {}
  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse add_fault(const nlohmann::json& body);
  HttpResponse drop_watches(const nlohmann::json& body);
  HttpResponse compact(const nlohmann::json& body);

  FaultInjector& faults_;
  Store& store_;
  OffsetClock& clock_;
};

}  // namespace orderops::apiserver
