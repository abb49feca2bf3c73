#include "format/parquet/reader/record_assembler.h"

#include <cstring>
#include <string>

namespace snaplake::parquet {

namespace {

struct Levels {
  const int16_t* def = nullptr;  // null: every entry is 0
  const int16_t* rep = nullptr;  // null: every entry is 0
  int64_t size = 0;
};

Levels LevelsOf(const ReadNode& node, const AssemblyInput& in) {
  const LeafInfo& leaf = (*in.leaves)[node.leaf];
  const LevelBatch& batch = *(*in.levels)[node.leaf];
  Levels l;
  l.size = batch.size();
  if (leaf.max_def > 0) l.def = batch.def();
  if (leaf.max_rep > 0) l.rep = batch.rep();
  return l;
}

Status Corrupt(const ReadNode& node, const AssemblyInput& in, const std::string& what) {
  std::string msg = in.context;
  msg.append(": column '").append((*in.leaves)[node.leaf].dotted_path).append("': ").append(what);
  return Status::Corruption(std::move(msg));
}

// Writes the node's slot validity into the Column's validity buffer; returns the slot count.
int64_t FillValidity(const ReadNode& node, const Levels& l, Column* col) {
  ByteBuffer& validity = col->mutable_validity_buffer();
  validity.Clear();
  uint8_t* v = validity.Grow(static_cast<size_t>(l.size));
  int64_t slots = 0;
  if (l.def == nullptr) {
    std::memset(v, 1, static_cast<size_t>(l.size));
    slots = l.size;
  } else if (l.rep == nullptr && node.slot_def == 0) {
    // Flat: every entry is a slot.
    const int16_t* def = l.def;
    const int16_t threshold = node.def_level;
    for (int64_t i = 0; i < l.size; ++i) v[i] = def[i] >= threshold;
    slots = l.size;
  } else {
    for (int64_t i = 0; i < l.size; ++i) {
      const int16_t rep = l.rep ? l.rep[i] : 0;
      if (rep <= node.slot_rep && l.def[i] >= node.slot_def) v[slots++] = l.def[i] >= node.def_level;
    }
  }
  validity.Resize(static_cast<size_t>(slots));
  return slots;
}

int64_t CountValid(const uint8_t* v, int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n; ++i) c += v[i];
  return c;
}

// Moves `values` dense values (at the front of base) to their `slots` slots,
// back to front, zeroing NULL slots. Branch-free: NULLs fall at random, and a
// mispredicted branch per slot costs more than the copy.
template <typename T>
void SpreadFixed(uint8_t* base, const uint8_t* valid, int64_t slots, int64_t values) {
  int64_t j = values - 1;
  int64_t i = slots - 1;
  for (; i > j && j >= 0; --i) {
    T x;
    std::memcpy(&x, base + j * sizeof(T), sizeof(T));
    const T keep = T{0} - static_cast<T>(valid[i]);  // all ones or zero
    x &= keep;
    std::memcpy(base + i * sizeof(T), &x, sizeof(T));
    j -= valid[i];
  }
  // Every value has moved: the slots left in front are NULL.
  if (j < 0 && i >= 0) std::memset(base, 0, static_cast<size_t>(i + 1) * sizeof(T));
}

void SpreadFixedAnyWidth(uint8_t* base, const uint8_t* valid, int64_t slots, int64_t values, size_t w) {
  int64_t j = values - 1;
  for (int64_t i = slots - 1; i > j; --i) {
    uint8_t* dst = base + i * w;
    if (valid[i]) {
      std::memcpy(dst, base + j * w, w);
      --j;
    } else {
      std::memset(dst, 0, w);
    }
  }
}

Status AssembleLeaf(const ReadNode& node, const AssemblyInput& in, Column* col) {
  const Levels l = LevelsOf(node, in);
  const int64_t slots = FillValidity(node, l, col);
  const uint8_t* valid = col->validity();
  const int width = col->type().value_width();
  const int64_t values = width > 0 ? static_cast<int64_t>(col->values().size()) / width
                                   : static_cast<int64_t>(col->offsets().size()) - 1;
  const int64_t present = slots == l.size && l.def == nullptr ? slots : CountValid(valid, slots);
  if (present != values) {
    return Corrupt(node, in, "the page holds " + std::to_string(values) + " values for " + std::to_string(present) +
                                 " non-null levels");
  }
  if (slots > values) {
    // Spread the dense values to their slots, back to front, in place.
    if (width > 0) {
      if (slots * width > in.budget) {
        return Status::NotImplemented(in.context + ": column '" + (*in.leaves)[node.leaf].dotted_path +
                                      "': one batch needs more than the reader's limit of " +
                                      std::to_string(in.budget) + " bytes; read fewer rows per batch");
      }
      ByteBuffer& buf = col->mutable_values();
      buf.Resize(static_cast<size_t>(slots) * width);
      uint8_t* base = buf.data();
      switch (width) {
        case 1: SpreadFixed<uint8_t>(base, valid, slots, values); break;
        case 4: SpreadFixed<uint32_t>(base, valid, slots, values); break;
        case 8: SpreadFixed<uint64_t>(base, valid, slots, values); break;
        case 16: SpreadFixed<unsigned __int128>(base, valid, slots, values); break;
        default: SpreadFixedAnyWidth(base, valid, slots, values, static_cast<size_t>(width)); break;
      }
    } else {
      std::vector<int64_t>& offsets = col->mutable_offsets();
      offsets.resize(static_cast<size_t>(slots) + 1);
      int64_t c = values;
      for (int64_t i = slots - 1; i >= 0 && i + 1 > c; --i) {
        offsets[i + 1] = offsets[c];
        c -= valid[i];
      }
    }
  }
  col->SetLength(slots, slots - values);
  return Status::OK();
}

Status AssembleStruct(const ReadNode& node, const AssemblyInput& in, Column* col) {
  const Levels l = LevelsOf(node, in);
  const int64_t slots = FillValidity(node, l, col);
  const int64_t nulls = slots - CountValid(col->validity(), slots);
  for (size_t i = 0; i < node.children.size(); ++i) {
    Column& child = col->mutable_child(i);
    SL_RETURN_NOT_OK(AssembleField(node.children[i], in, &child));
    if (child.length() != slots) {
      return Corrupt(node.children[i], in, "the members of a struct disagree on its length (" +
                                               std::to_string(child.length()) + " vs " + std::to_string(slots) + ")");
    }
    // Each member's own levels decide its NULLs; a member present where the
    // struct (per its first leaf) is NULL means the leaves contradict each other.
    if (nulls > 0) {
      const uint8_t* valid = col->validity();
      const uint8_t* child_valid = child.validity();
      for (int64_t s = 0; s < slots; ++s) {
        if (child_valid[s] > valid[s]) {
          return Corrupt(node.children[i], in, "a struct member has a value where the struct is NULL");
        }
      }
    }
  }
  col->SetLength(slots, nulls);
  return Status::OK();
}

Status AssembleList(const ReadNode& node, const AssemblyInput& in, Column* col) {
  const Levels l = LevelsOf(node, in);
  if (l.def == nullptr || l.rep == nullptr) return Corrupt(node, in, "a list column without levels");
  ByteBuffer& validity = col->mutable_validity_buffer();
  validity.Clear();
  uint8_t* v = validity.Grow(static_cast<size_t>(l.size));
  std::vector<int64_t>& offsets = col->mutable_offsets();
  offsets.resize(1);
  offsets[0] = 0;
  int64_t slots = 0;
  int64_t nulls = 0;
  int64_t elements = 0;
  bool open_has_elements = false;
  for (int64_t i = 0; i < l.size; ++i) {
    const int16_t def = l.def[i];
    const int16_t rep = l.rep[i];
    if (rep <= node.slot_rep && def >= node.slot_def) {
      if (slots > 0) offsets.push_back(elements);
      const bool valid = def >= node.def_level;
      v[slots++] = valid;
      nulls += !valid;
      open_has_elements = def >= node.child_def;
    }
    if (rep <= node.child_rep && def >= node.child_def) {
      if (!open_has_elements) return Corrupt(node, in, "levels put an element into a NULL or empty list");
      ++elements;
    }
  }
  if (slots > 0) offsets.push_back(elements);
  validity.Resize(static_cast<size_t>(slots));
  for (size_t i = 0; i < node.children.size(); ++i) {
    Column& child = col->mutable_child(i);
    SL_RETURN_NOT_OK(AssembleField(node.children[i], in, &child));
    if (child.length() != elements) {
      return Corrupt(node.children[i], in, "levels disagree on the number of list or map elements (" +
                                               std::to_string(child.length()) + " vs " + std::to_string(elements) +
                                               ")");
    }
  }
  col->SetLength(slots, nulls);
  return Status::OK();
}

}  // namespace

Status AssembleField(const ReadNode& node, const AssemblyInput& in, Column* column) {
  switch (node.kind) {
    case ReadNode::Kind::kLeaf: return AssembleLeaf(node, in, column);
    case ReadNode::Kind::kStruct: return AssembleStruct(node, in, column);
    case ReadNode::Kind::kList:
    case ReadNode::Kind::kMap: return AssembleList(node, in, column);
  }
  return Status::Internal("unknown read node kind");
}

}  // namespace snaplake::parquet
