#pragma once

namespace dc {

// Initialises libsodium once per process (thread-safe, idempotent). Aborts
// if the library cannot be initialised: without it there is no safe
// randomness, and nothing secure can be done.
void EnsureSodium();

}  // namespace dc
