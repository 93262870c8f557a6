#include "cuvee/corpus/document_reader.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;

std::vector<RawDocument> read_all(DocumentReader& reader, size_t batch_bytes = 1 << 20) {
  std::vector<RawDocument> all, batch;
  while (reader.next_batch(batch, batch_bytes)) {
    all.insert(all.end(), batch.begin(), batch.end());
    batch.clear();
  }
  return all;
}

TEST(DocumentReader, ReadsJsonLinesWithLineNumbersAcrossFilesAndBatches) {
  TempDir dir;
  auto a = dir.write("a.jsonl", "{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n");
  auto b = dir.write("b.jsonl", "{\"text\":\"three\"}");  // no final newline
  DocumentReader reader({a, b}, {});
  auto docs = read_all(reader, 1);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[1].line, 3u);
  EXPECT_EQ(docs[2].file, 1u);
  EXPECT_EQ(validate_document(docs[2], b, "text").text, "three");
  EXPECT_EQ(reader.bytes_read(), reader.total_bytes());
}

TEST(DocumentReader, ReadsZstdCompressedJsonLines) {
  TempDir dir;
  std::string text = "{\"text\":\"compressed one\"}\n{\"text\":\"compressed two\"}\n";
  std::string packed(ZSTD_compressBound(text.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), text.data(), text.size(), 3));
  auto path = dir.write("c.jsonl.zst", packed);
  DocumentReader reader({path}, {});
  auto docs = read_all(reader);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(validate_document(docs[1], path, "text").text, "compressed two");
}

TEST(DocumentReader, TruncatedZstdIsAnError) {
  TempDir dir;
  std::string text(10000, 'x');
  std::string packed(ZSTD_compressBound(text.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), text.data(), text.size(), 3));
  auto path = dir.write("t.jsonl.zst", packed.substr(0, packed.size() / 2));
  DocumentReader reader({path}, {});
  EXPECT_THROW(read_all(reader), Error);
}

TEST(DocumentReader, PlainTextByFileOrByBlankLine) {
  TempDir dir;
  auto path = dir.write("t.txt", "first para\nstill first\n\n\nsecond para\n");
  DocumentReader whole({path}, {});
  auto docs = read_all(whole);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].payload, "first para\nstill first\n\n\nsecond para");
  DocumentReader blocks({path}, {"text", TextSplit::kBlankLine});
  docs = read_all(blocks);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].payload, "first para\nstill first");
  EXPECT_EQ(docs[1].payload, "second para");
  EXPECT_EQ(docs[1].line, 5u);
}

TEST(DocumentReader, UnreadableInputIsNamedBeforeAnyWork) {
  TempDir dir;
  try {
    DocumentReader reader({dir / "missing.jsonl"}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.jsonl: no such file"), std::string::npos);
  }
  EXPECT_THROW(DocumentReader({dir.path()}, {}), Error);  // a folder
  EXPECT_THROW(DocumentReader({}, {}), Error);
}

struct BadCase {
  const char* name;
  const char* line;
  const char* message;
  const char* reason;
};

class BadDocument : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadDocument, IsReportedWithFileLineAndReason) {
  RawDocument doc{GetParam().line, true, 0, 7};
  auto result = validate_document(doc, "in.jsonl", "text");
  EXPECT_EQ(result.error.rfind("in.jsonl:7: ", 0), 0u) << result.error;
  EXPECT_NE(result.error.find(GetParam().message), std::string::npos) << result.error;
  EXPECT_EQ(result.reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDocument,
    ::testing::Values(
        BadCase{"MalformedJson", "{\"text\": \"unterminated", "malformed JSON", "malformed JSON"},
        BadCase{"NotAnObject", "[1, 2]", "expected a JSON object, found array",
                "not a JSON object"},
        BadCase{"MissingTextField", "{\"body\": \"x\"}", "no 'text' field", "missing text field"},
        BadCase{"TextNotAString", "{\"text\": 5}", "field 'text' is number", "text not a string"},
        BadCase{"InvalidUtf8", "{\"text\": \"bad \xff byte\"}", "invalid UTF-8 at byte 14",
                "invalid UTF-8"},
        BadCase{"WhitespaceOnly", "{\"text\": \"  \\n \"}", "empty document", "empty document"},
        BadCase{"EmptyText", "{\"text\": \"\"}", "empty document", "empty document"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DocumentReader, TextKeyIsConfigurable) {
  RawDocument doc{"{\"content\": \"hello\", \"id\": 3}", true, 0, 1};
  EXPECT_EQ(validate_document(doc, "f", "content").text, "hello");
  EXPECT_FALSE(validate_document(doc, "f", "text").error.empty());
}

}  // namespace
}  // namespace cuvee
