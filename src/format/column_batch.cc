#include "format/column_batch.h"

#include <string>

namespace snaplake {

namespace {
bool HasOffsets(const Type& t) {
  return t.is_variable_width() || t.id == TypeId::kList || t.id == TypeId::kMap;
}
}  // namespace

Column::Column(Type type) : type_(std::move(type)) {
  for (const Field& f : type_.children) children_.emplace_back(f.type);
  if (HasOffsets(type_)) offsets_.push_back(0);
}

void Column::Clear() {
  length_ = 0;
  null_count_ = 0;
  validity_.Clear();
  values_.Clear();
  data_.Clear();
  offsets_.clear();
  if (HasOffsets(type_)) offsets_.push_back(0);
  for (Column& c : children_) c.Clear();
}

void Column::Reserve(int64_t slots, int64_t data_bytes) {
  validity_.Reserve(static_cast<size_t>(slots));
  int w = type_.value_width();
  if (w > 0) values_.Reserve(static_cast<size_t>(slots) * w);
  if (HasOffsets(type_)) offsets_.reserve(static_cast<size_t>(slots) + 1);
  if (data_bytes > 0) data_.Reserve(static_cast<size_t>(data_bytes));
  if (type_.id == TypeId::kStruct) {
    for (Column& c : children_) c.Reserve(slots);
  }
}

void Column::AppendNull() {
  if (type_.id == TypeId::kStruct) {
    for (Column& c : children_) c.AppendNull();
  } else if (HasOffsets(type_)) {
    offsets_.push_back(offsets_.back());
  } else {
    int w = type_.value_width();
    std::memset(values_.Grow(w), 0, w);
  }
  validity_.PushBack(0);
  ++length_;
  ++null_count_;
}

void Column::AppendBytes(const void* p, size_t n) {
  data_.Append(p, n);
  offsets_.push_back(static_cast<int64_t>(data_.size()));
  MarkValid();
}

void Column::AppendFixed(const void* p) {
  values_.Append(p, type_.value_width());
  MarkValid();
}

bool Column::Equals(const Column& o) const {
  if (!(type_ == o.type_) || length_ != o.length_) return false;
  const int w = type_.value_width();
  for (int64_t i = 0; i < length_; ++i) {
    if (IsValid(i) != o.IsValid(i)) return false;
    if (IsNull(i)) continue;
    switch (type_.id) {
      case TypeId::kStruct:
        break;  // children compared below
      case TypeId::kList:
      case TypeId::kMap:
        if (ListEnd(i) - ListBegin(i) != o.ListEnd(i) - o.ListBegin(i)) return false;
        break;
      default:
        if (type_.is_variable_width()) {
          if (StringValue(i) != o.StringValue(i)) return false;
        } else if (std::memcmp(FixedValue(i), o.FixedValue(i), w) != 0) {
          return false;
        }
    }
  }
  if (type_.id == TypeId::kStruct) {
    for (size_t c = 0; c < children_.size(); ++c) {
      // Children at NULL struct slots are NULL by construction; compare all slots.
      if (!children_[c].Equals(o.children_[c])) return false;
    }
  }
  if (type_.id == TypeId::kList || type_.id == TypeId::kMap) {
    // Both columns start their children at 0, so equal lists mean equal offsets.
    if (offsets_ != o.offsets_) return false;
    for (size_t c = 0; c < children_.size(); ++c) {
      if (!children_[c].Equals(o.children_[c])) return false;
    }
  }
  return true;
}

ColumnBatch::ColumnBatch(Schema schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_.fields) columns_.emplace_back(f.type);
}

void ColumnBatch::Clear() {
  for (Column& c : columns_) c.Clear();
  num_rows_ = 0;
}

bool ColumnBatch::Validate(std::string* why) const {
  if (columns_.size() != schema_.fields.size()) {
    if (why) *why = "column count differs from schema";
    return false;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].length() != num_rows()) {
      if (why) *why = "column '" + schema_.fields[i].name + "' has " + std::to_string(columns_[i].length()) +
                      " rows, expected " + std::to_string(num_rows());
      return false;
    }
    if (!(columns_[i].type() == schema_.fields[i].type)) {
      if (why) *why = "column '" + schema_.fields[i].name + "' type differs from schema";
      return false;
    }
  }
  return true;
}

}  // namespace snaplake
