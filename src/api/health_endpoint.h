#pragma once

#include "common/thread_pool.h"
#include "http/endpoint.h"
#include "storage/store.h"

namespace dc::api {

// GET /healthz: 200 {"status":"ok"} whenever the process serves HTTP. No
// credentials; answered on the I/O thread, touching nothing else.
http::Endpoint MakeHealthEndpoint();

// GET /readyz: 200 {"status":"ready"} when the store answers a read and
// accepts writes (Store::CheckReady), else 503
// {"status":"unavailable","reason":"…"}. No credentials. The check reads
// the database, so it runs on `reads`; both are borrowed and must outlive
// the endpoint.
http::Endpoint MakeReadyEndpoint(Store& store, ThreadPool& reads);

}  // namespace dc::api
