#include "cuvee/corpus/indexed_dataset.h"

#include <gtest/gtest.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;

TEST(IndexedDataset, RoundTripsEveryWrittenDtype) {
  TempDir dir;
  std::vector<std::vector<int32_t>> docs = {{1, 2, 3}, {}, {250, 0}, {7}};
  for (DType dtype : {DType::kUInt8, DType::kUInt16, DType::kInt32}) {
    auto prefix = dir / std::string(dtype_name(dtype));
    IndexedDatasetWriter writer(prefix, dtype);
    for (const auto& d : docs) writer.add_document(d);
    writer.commit();
    IndexedDataset data(prefix);
    EXPECT_EQ(data.dtype(), dtype);
    EXPECT_EQ(data.documents(), 4u);
    EXPECT_EQ(data.sequences(), 4u);
    EXPECT_EQ(data.tokens(), 6u);
    for (size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(data.document(i), docs[i]);
    std::vector<int64_t> stream(6);
    data.read(0, 6, stream.data());
    EXPECT_EQ(stream, (std::vector<int64_t>{1, 2, 3, 250, 0, 7}));
  }
}

TEST(IndexedDataset, WritesMegatronsExactLayout) {
  TempDir dir;
  IndexedDatasetWriter writer(dir / "x", DType::kUInt16);
  writer.add_document(std::vector<int32_t>{5, 6});
  writer.add_document(std::vector<int32_t>{7});
  writer.commit();
  std::string idx = read_file(dir / "x.idx");
  std::string expected("MMIDIDX\0\0", 9);
  auto u64 = [&](uint64_t v) { expected.append(reinterpret_cast<const char*>(&v), 8); };
  auto i32 = [&](int32_t v) { expected.append(reinterpret_cast<const char*>(&v), 4); };
  u64(1);
  expected += '\x08';
  u64(2);
  u64(3);
  i32(2);
  i32(1);
  u64(0);
  u64(4);
  u64(0);
  u64(1);
  u64(2);
  EXPECT_EQ(idx, expected);
  EXPECT_EQ(read_file(dir / "x.bin"), std::string("\x05\x00\x06\x00\x07\x00", 6));
}

TEST(IndexedDataset, ReadsFixturesFromAnIndependentMegatronWriter) {
  IndexedDataset wide(std::string(CUVEE_FIXTURES) + "/megatron_int32");
  EXPECT_EQ(wide.dtype(), DType::kInt32);
  EXPECT_EQ(wide.documents(), 3u);
  EXPECT_EQ(wide.sequences(), 6u);
  EXPECT_EQ(wide.tokens(), 13u);
  EXPECT_EQ(wide.document(0), (std::vector<int32_t>{1, 2, 3, 70000, 5}));
  EXPECT_EQ(wide.document(1), (std::vector<int32_t>{6}));
  EXPECT_EQ(wide.document(2), (std::vector<int32_t>{7, 8, 9, 10, 11, 12, 13}));
  IndexedDataset narrow(std::string(CUVEE_FIXTURES) + "/megatron_uint16");
  EXPECT_EQ(narrow.dtype(), DType::kUInt16);
  EXPECT_EQ(narrow.document(0), (std::vector<int32_t>{65535, 0, 42}));
  EXPECT_EQ(narrow.document(1), (std::vector<int32_t>{1, 2, 3}));
}

TEST(IndexedDataset, RefusesIdsThatDoNotFitTheDtype) {
  TempDir dir;
  IndexedDatasetWriter writer(dir / "x", DType::kUInt16);
  EXPECT_THROW(writer.add_document(std::vector<int32_t>{70000}), Error);
  EXPECT_THROW(writer.add_document(std::vector<int32_t>{-1}), Error);
}

TEST(IndexedDataset, AbandonedWriterLeavesNoFiles) {
  TempDir dir;
  {
    IndexedDatasetWriter writer(dir / "x", DType::kUInt16);
    writer.add_document(std::vector<int32_t>{1});
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

class CorruptIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    IndexedDatasetWriter writer(dir / "x", DType::kUInt16);
    writer.add_document(std::vector<int32_t>{1, 2});
    writer.commit();
    idx = read_file(dir / "x.idx");
  }
  std::string error_for(const std::string& bytes) {
    write_file_atomic(dir / "x.idx", bytes);
    try {
      IndexedDataset data(dir / "x");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir;
  std::string idx;
};

TEST_F(CorruptIndex, BadMagicIsNamed) {
  std::string bytes = idx;
  bytes[0] = 'X';
  EXPECT_NE(error_for(bytes).find("magic"), std::string::npos);
}

TEST_F(CorruptIndex, TruncationIsNamed) {
  EXPECT_NE(error_for(idx.substr(0, idx.size() - 3)).find("bytes, but"), std::string::npos);
  EXPECT_NE(error_for(idx.substr(0, 10)).find("too short"), std::string::npos);
}

TEST_F(CorruptIndex, UnknownDtypeIsNamed) {
  std::string bytes = idx;
  bytes[17] = 9;
  EXPECT_NE(error_for(bytes).find("unknown dtype code 9"), std::string::npos);
}

TEST_F(CorruptIndex, BinSizeMismatchIsNamed) {
  write_file_atomic(dir / "x.bin", "abc");
  EXPECT_NE(error_for(idx).find("x.bin: 3 bytes"), std::string::npos);
}

TEST(IndexedDataset, MissingFilesAreNamed) {
  TempDir dir;
  try {
    IndexedDataset data(dir / "absent");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.idx"), std::string::npos);
  }
}

}  // namespace
}  // namespace cuvee
