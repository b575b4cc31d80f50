// Deterministic run IDs (api.md 1.2): the same slot or run-now token always yields the same ID on
// any replica, so the ID can fence side effects and name audit rows. Pure; thread-safe.
#pragma once

//   ATP scheduled:  <name>-<slot as unix minutes>             shop-aftersales-29353080
//   ATP manual:     <name>-manual-<token hash>                shop-aftersales-manual-9f86d08188
//   PSS scheduled:  <name>-<task>-<slot as unix minutes>      merchant-1-download-bill-29353080
//   PSS manual:     <name>-<task>-manual-<token hash>         merchant-1-sync-manual-9f86d08188
//
// <task> is the CLI name (sync, download-bill, retry, unfreeze); <token hash> is the first 10 hex
// digits of SHA-256 of the token, so any token (spaces, long text) gives a short, safe suffix.

#include <string>
#include <string_view>

#include "api/task.h"
#include "common/clock.h"

namespace orderops::api {

std::string scheduled_run_id(std::string_view name, Task task, SystemTime slot);
std::string manual_run_id(std::string_view name, Task task, std::string_view token);

// First 10 lower-case hex digits of SHA-256(token).
std::string token_hash(std::string_view token);

}  // namespace orderops::api
