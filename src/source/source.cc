#include "source/source.h"

namespace snaplake {

Schema SourceTable::ToSchema() const {
  Schema schema;
  schema.fields.reserve(columns.size());
  for (const SourceColumn& column : columns) schema.fields.push_back(Field{column.name, column.type, column.nullable});
  return schema;
}

}  // namespace snaplake
