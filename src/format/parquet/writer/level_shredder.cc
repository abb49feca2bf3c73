#include "format/parquet/writer/level_shredder.h"

namespace snaplake::parquet {

namespace {

class Shredder {
 public:
  Shredder(const std::vector<LeafColumn>& info, std::vector<ShreddedLeaf>* leaves) : info_(info), leaves_(*leaves) {}

  // Emits the entries for slot `i` of `column` (described by `field`), whose
  // ancestors are all present up to definition level `def`; the first entry
  // emitted carries repetition level `rep`. `leaf` is the field's first leaf;
  // returns the index after its last leaf.
  int Visit(const Field& field, const Column& column, int64_t i, int16_t def, int16_t rep, int16_t rep_depth,
            int leaf) {
    if (field.nullable) {
      if (column.IsNull(i)) return EmitEmpty(field.type, def, rep, leaf);
      ++def;
    }
    switch (field.type.id) {
      case TypeId::kStruct: {
        int next = leaf;
        for (size_t c = 0; c < field.type.children.size(); ++c) {
          next = Visit(field.type.children[c], column.child(c), i, def, rep, rep_depth, next);
        }
        return next;
      }
      case TypeId::kList:
      case TypeId::kMap: {
        const int64_t begin = column.ListBegin(i), end = column.ListEnd(i);
        if (begin == end) return EmitEmpty(field.type, def, rep, leaf);
        const int16_t inner_rep = rep_depth + 1;
        int next = leaf;
        for (int64_t j = begin; j < end; ++j) {
          const int16_t r = j == begin ? rep : inner_rep;
          next = leaf;
          for (size_t c = 0; c < field.type.children.size(); ++c) {
            next = Visit(field.type.children[c], column.child(c), j, def + 1, r, inner_rep, next);
          }
        }
        return next;
      }
      default: {
        ShreddedLeaf& out = leaves_[leaf];
        out.column = &column;
        out.def.push_back(def);
        out.rep.push_back(rep);
        out.value_slots.push_back(i);
        return leaf + 1;
      }
    }
  }

 private:
  // A NULL or empty node: every leaf below it gets one entry without a value.
  int EmitEmpty(const Type& type, int16_t def, int16_t rep, int leaf) {
    const int count = CountLeaves(type);
    for (int l = leaf; l < leaf + count; ++l) {
      leaves_[l].def.push_back(def);
      leaves_[l].rep.push_back(rep);
    }
    return leaf + count;
  }

  static int CountLeaves(const Type& type) {
    if (!type.is_nested()) return 1;
    int n = 0;
    for (const Field& f : type.children) n += CountLeaves(f.type);
    return n;
  }

  const std::vector<LeafColumn>& info_;
  std::vector<ShreddedLeaf>& leaves_;
};

// The Column holding a leaf's values, found by walking the same path as Visit;
// set even when a batch has no values for the leaf.
const Column* LeafColumnOf(const Type& type, const Column& column, int leaf_offset, int* seen) {
  if (!type.is_nested()) {
    return (*seen)++ == leaf_offset ? &column : nullptr;
  }
  for (size_t c = 0; c < type.children.size(); ++c) {
    if (const Column* found = LeafColumnOf(type.children[c].type, column.child(c), leaf_offset, seen)) return found;
  }
  return nullptr;
}

int CountLeavesOf(const Type& type) {
  if (!type.is_nested()) return 1;
  int n = 0;
  for (const Field& f : type.children) n += CountLeavesOf(f.type);
  return n;
}

}  // namespace

void ShredColumn(const Field& field, const Column& column, const std::vector<LeafColumn>& leaf_info, int first_leaf,
                 std::vector<ShreddedLeaf>* leaves) {
  const int count = CountLeavesOf(field.type);
  for (int l = 0; l < count; ++l) {
    ShreddedLeaf& leaf = (*leaves)[first_leaf + l];
    leaf.Clear();
    int seen = 0;
    leaf.column = LeafColumnOf(field.type, column, l, &seen);
  }
  Shredder shredder(leaf_info, leaves);
  for (int64_t i = 0; i < column.length(); ++i) {
    shredder.Visit(field, column, i, 0, 0, 0, first_leaf);
  }
}

}  // namespace snaplake::parquet
