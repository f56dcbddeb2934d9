#include "domain/catalog_types.h"

namespace dc {

const char* DataSourceName(DataSource source) {
  return source == DataSource::kMqtt ? "MQTT" : "API";
}

}  // namespace dc
