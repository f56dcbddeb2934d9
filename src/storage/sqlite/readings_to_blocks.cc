#include "storage/sqlite/readings_to_blocks.h"

#include <vector>

#include "storage/sqlite/block_table.h"
#include "storage/sqlite/reading_block.h"
#include "storage/sqlite/sqlite_statement.h"

namespace dc::sqlite {

Status MoveReadingsIntoBlocks(sqlite3* db) {
  Result<Statement> select = Statement::Prepare(
      db,
      "SELECT input_pk, ts, id, value, latitude, longitude, x_axis_value, metadata "
      "FROM readings ORDER BY input_pk, ts");
  if (!select) return select.error();
  Result<Statement> insert = Statement::Prepare(db, kInsertBlockSql);
  if (!insert) return insert.error();

  std::vector<StoredReading> block;
  block.reserve(kBlockReadings);
  int64_t block_input = 0;
  std::string buffer;
  auto flush = [&]() -> Status {
    if (block.empty()) return Status::Ok();
    DC_RETURN_IF_ERROR(InsertBlocks(*insert, block_input, block, buffer));
    block.clear();
    return Status::Ok();
  };
  while (true) {
    Result<bool> row = select->Step("reading readings into blocks");
    if (!row) return row.error();
    if (!*row) break;
    const int64_t input_pk = select->ColumnInt64(0);
    if (input_pk != block_input || block.size() == kBlockReadings) {
      DC_RETURN_IF_ERROR(flush());
      block_input = input_pk;
    }
    StoredReading stored;
    stored.reading.timestamp = Timestamp{select->ColumnInt64(1)};
    stored.id = select->ColumnInt64(2);
    stored.reading.value = select->ColumnDouble(3);
    stored.reading.latitude = select->ColumnOptionalDouble(4);
    stored.reading.longitude = select->ColumnOptionalDouble(5);
    stored.reading.x_axis_value = select->ColumnText(6);
    stored.reading.metadata = select->ColumnText(7);
    block.push_back(std::move(stored));
  }
  DC_RETURN_IF_ERROR(flush());
  select->Reset();
  Result<Statement> drop = Statement::Prepare(db, "DROP TABLE readings");
  if (!drop) return drop.error();
  return drop->Run("dropping the readings table");
}

}  // namespace dc::sqlite
