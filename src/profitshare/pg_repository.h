// The PostgreSQL adapter of the PSS repository port (src/pg sessions, the tables of jobs.md
// section 1 as `orderops db migrate` leaves them). Each session is its own connection; a
// statement running when the run's stop token fires is cancelled. The store is thread-safe;
// sessions are used by one thread each.
#pragma once

#include <memory>

#include "common/clock.h"
#include "pg/connection.h"
#include "profitshare/repository.h"

namespace orderops::profitshare {

// `clock` times connection attempts and must outlive the store.
std::unique_ptr<ProfitShareStore> make_pg_profitshare_store(pg::ConnectOptions options,
                                                            const Clock& clock);

}  // namespace orderops::profitshare
