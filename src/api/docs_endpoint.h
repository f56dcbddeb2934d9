#pragma once

#include "http/endpoint.h"

namespace dc::api {

// GET /api/openapi.json: the OpenAPI document of every endpoint, as built
// into the binary (application/json).
//
// GET /api/docs: one self-contained HTML page that fetches that document
// and renders it; it loads nothing from anywhere else, and its
// Content-Security-Policy says so.
//
// Neither asks for credentials: the API's shape is no secret, and a person
// reading the docs has no key yet. HEAD works as for every GET route. The
// endpoints own nothing and never fail; they may be called from any thread.
http::Endpoint MakeOpenApiEndpoint();
http::Endpoint MakeDocsPageEndpoint();

}  // namespace dc::api
