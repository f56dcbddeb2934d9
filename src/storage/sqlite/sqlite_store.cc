// SqliteStore: opening, and the reads that serve the catalog.
// Catalog mutations are in sqlite_store_catalog.cc, readings in
// sqlite_store_readings.cc (writes and lookups), sqlite_store_fetch.cc (raw
// scans) and sqlite_store_stats.cc (statistics).
#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/hour_stats.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace dc::sqlite {
namespace {

constexpr const char* kCatalogVersionSql = "SELECT value FROM meta WHERE key = 'catalog_version'";

Result<DataSource> ParseStoredDataSource(const std::string& text, const std::string& input_id) {
  if (text == "API") return DataSource::kApi;
  if (text == "MQTT") return DataSource::kMqtt;
  return Status::Internal("input '" + input_id + "' has an unknown data source '" + text + "'");
}

struct ToPrepare {
  Statement* statement;
  std::string sql;
};

// Prepares statements kept for the connection's lifetime.
Status PrepareAll(const Connection& c, std::span<const ToPrepare> statements) {
  for (const ToPrepare& p : statements) {
    Result<Statement> statement = c.Prepare(p.sql, /*persistent=*/true);
    if (!statement) return statement.error();
    *p.statement = std::move(*statement);
  }
  return Status::Ok();
}

}  // namespace

Result<SqliteStore::Writer> SqliteStore::OpenWriter(const std::string& path,
                                                    const StoreOptions& options) {
  Result<Connection> connection = Connection::Open(path, options, ConnectionRole::kWriter);
  if (!connection) return connection.error();
  DC_RETURN_IF_ERROR(Migrate(connection->get()));

  Writer writer;
  writer.connection = std::move(*connection);
  const ToPrepare statements[] = {
      {&writer.block_spans, BlockRangeSql("rowid, first_ts, last_ts, count", SortDirection::kAsc)},
      {&writer.read_block, BlockMerger::kReadBlockSql},
      {&writer.delete_block, BlockMerger::kDeleteBlockSql},
      {&writer.insert_block, kInsertBlockSql},
      {&writer.read_blocks, BlockReadSql(SortDirection::kAsc)},
      {&writer.raise_next_reading_id,
       "UPDATE meta SET value = max(value, ?1) WHERE key = 'next_reading_id'"},
      {&writer.upsert_hour_stats, kUpsertHourStatsSql},
      {&writer.replace_hour_stats, kReplaceHourStatsSql},
  };
  DC_RETURN_IF_ERROR(PrepareAll(writer.connection, statements));
  return writer;
}

Result<SqliteStore::Appender> SqliteStore::OpenAppender(const std::string& path,
                                                        const StoreOptions& options) {
  Appender appender;
  if (!options.write_readings) return appender;
  Result<std::unique_ptr<IngestLog>> log = IngestLog::Open(
      path, options.sync, std::chrono::milliseconds(std::max(options.busy_timeout_ms, 0)),
      options.sync_seconds);
  if (!log) return log.error();
  appender.log = std::move(*log);
  Result<Connection> connection = Connection::Open(path, options, ConnectionRole::kReader);
  if (!connection) return connection.error();
  appender.connection = std::move(*connection);
  const ToPrepare statements[] = {
      {&appender.input_exists, "SELECT 1 FROM inputs WHERE pk = ?1"},
      {&appender.read_blocks, BlockReadSql(SortDirection::kAsc)},
      {&appender.find_newest_ts, kNewestTsSql},
  };
  DC_RETURN_IF_ERROR(PrepareAll(appender.connection, statements));
  return appender;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const StoreOptions& options,
                                                       const SqliteOptions& tuning) {
  if (path.empty()) return Status::InvalidArgument("the SQLite database path is empty");
  // The writer first: it creates and migrates the file the reader opens.
  Result<Writer> writer = OpenWriter(path, options);
  if (!writer) return writer.error();
  Result<std::unique_ptr<ReaderPool>> readers =
      ReaderPool::Open(path, options, static_cast<size_t>(std::max(options.read_connections, 1)));
  if (!readers) return readers.error();

  Result<Appender> appender = OpenAppender(path, options);
  if (!appender) return appender.error();

  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = path;
  {
    std::lock_guard<std::mutex> lock(store->writer_mu_);
    store->writer_ = std::move(*writer);
  }
  store->readers_ = std::move(*readers);
  {
    std::lock_guard<std::mutex> lock(store->ingest_mu_);
    store->appender_ = std::move(*appender);
  }
  store->merge_idle_ = std::chrono::milliseconds(std::max(tuning.merge_idle_ms, 0));
  store->merge_max_delay_ = std::chrono::milliseconds(std::max(tuning.merge_max_delay_ms, 0));
  if (options.write_readings) {
    DC_RETURN_IF_ERROR(store->RecoverLog());
    store->StartMerging();
  }
  return store;
}

SqliteStore::~SqliteStore() { StopMerging(); }

Status SqliteStore::ExecOnWriterForTesting(const char* sql) {
  std::lock_guard<std::mutex> lock(writer_mu_);
  return writer_.connection.Exec(sql, "running test SQL");
}

Result<Organisation> SqliteStore::FindOrg(std::string_view org_id) {
  return WithReader([&](Reader& reader) -> Result<Organisation> {
    Result<Statement*> prepared =
        reader.Prepared("SELECT name, key_salt, key_hash FROM orgs WHERE id = ?1");
    if (!prepared) return prepared.error();
    Statement& find = **prepared;
    StatementResetter reset(find);
    find.BindText(1, org_id);
    Result<bool> row = find.Step("looking up an organisation");
    if (!row) return row.error();
    if (!*row) return Status::NotFound("organisation '" + std::string(org_id) + "' not found");
    return Organisation{.id = std::string(org_id),
                        .name = find.ColumnText(0),
                        .key_salt = find.ColumnBlob(1),
                        .key_hash = find.ColumnBlob(2)};
  });
}

Result<int64_t> SqliteStore::CatalogVersion() {
  return WithReader([](Reader& reader) -> Result<int64_t> {
    Result<Statement*> prepared = reader.Prepared(kCatalogVersionSql);
    if (!prepared) return prepared.error();
    Statement& read = **prepared;
    StatementResetter reset(read);
    Result<bool> row = read.Step("reading the catalog version");
    if (!row) return row.error();
    if (!*row) return Status::Internal("the meta row 'catalog_version' is missing");
    return read.ColumnInt64(0);
  });
}

Result<CatalogData> SqliteStore::LoadCatalog() {
  return WithReader([](Reader& reader) -> Result<CatalogData> {
    const Connection& c = reader.connection();
    // One snapshot for all tables, so assets never name inputs that the
    // input list lacks.
    Result<Transaction> snapshot = Transaction::Begin(c.get(), TransactionKind::kRead);
    if (!snapshot) return snapshot.error();
    CatalogData catalog;

    Result<Statement> version = c.Prepare(kCatalogVersionSql);
    if (!version) return version.error();
    Result<bool> row = version->Step("reading the catalog version");
    if (!row) return row.error();
    if (!*row) return Status::Internal("the meta row 'catalog_version' is missing");
    catalog.version = version->ColumnInt64(0);
    version->Reset();

    Result<Statement> orgs = c.Prepare("SELECT id, name, key_salt, key_hash FROM orgs ORDER BY id");
    if (!orgs) return orgs.error();
    while (true) {
      Result<bool> next = orgs->Step("loading organisations");
      if (!next) return next.error();
      if (!*next) break;
      catalog.orgs.push_back(Organisation{.id = orgs->ColumnText(0),
                                          .name = orgs->ColumnText(1),
                                          .key_salt = orgs->ColumnBlob(2),
                                          .key_hash = orgs->ColumnBlob(3)});
    }

    Result<Statement> inputs =
        c.Prepare("SELECT pk, id, org_id, name, measure_unit, data_source FROM inputs ORDER BY pk");
    if (!inputs) return inputs.error();
    while (true) {
      Result<bool> next = inputs->Step("loading inputs");
      if (!next) return next.error();
      if (!*next) break;
      Input input{.pk = inputs->ColumnInt64(0),
                  .id = inputs->ColumnText(1),
                  .org_id = inputs->ColumnText(2),
                  .name = inputs->ColumnText(3),
                  .measure_unit = inputs->ColumnText(4)};
      Result<DataSource> source = ParseStoredDataSource(inputs->ColumnText(5), input.id);
      if (!source) return source.error();
      input.data_source = *source;
      catalog.inputs.push_back(std::move(input));
    }

    Result<Statement> assets = c.Prepare("SELECT id, org_id, name FROM assets ORDER BY id");
    if (!assets) return assets.error();
    std::unordered_map<int64_t, size_t> asset_index;
    while (true) {
      Result<bool> next = assets->Step("loading assets");
      if (!next) return next.error();
      if (!*next) break;
      asset_index.emplace(assets->ColumnInt64(0), catalog.assets.size());
      catalog.assets.push_back(Asset{.id = assets->ColumnInt64(0),
                                     .org_id = assets->ColumnText(1),
                                     .name = assets->ColumnText(2),
                                     .input_ids = {}});
    }

    Result<Statement> members = c.Prepare(
        "SELECT ai.asset_id, i.id FROM asset_inputs AS ai JOIN inputs AS i ON i.pk = ai.input_pk "
        "ORDER BY ai.asset_id, ai.position");
    if (!members) return members.error();
    while (true) {
      Result<bool> next = members->Step("loading asset inputs");
      if (!next) return next.error();
      if (!*next) break;
      auto it = asset_index.find(members->ColumnInt64(0));
      if (it == asset_index.end()) continue;  // impossible with foreign keys on
      catalog.assets[it->second].input_ids.push_back(members->ColumnText(1));
    }

    DC_RETURN_IF_ERROR(snapshot->Commit());
    return catalog;
  });
}

}  // namespace dc::sqlite
