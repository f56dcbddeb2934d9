#pragma once

#include <string>

namespace CLI {
class App;
}

namespace dc::cli {

// `datacooee backup --to PATH [--force]` and `datacooee restore --from
// PATH` (docs/operations.md, "Backup and restore"). Backup runs beside the
// server; restore needs it stopped. Each prints one JSON line on success
// and an "error: ..." line on stderr, exit code 1, on failure.
//
// Registers both subcommands on `app`. `db_url` (the shared --db value)
// and `exit_code` must outlive app.parse(); a command's callback sets
// `exit_code`.
void AddBackupCommands(CLI::App& app, std::string& db_url, int& exit_code);

}  // namespace dc::cli
