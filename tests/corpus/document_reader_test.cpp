#include "cuvee/corpus/document_reader.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <optional>

#include <nlohmann/json.hpp>

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

// What the text of a JSON line is, or that it is bad, as nlohmann::json (a strict, complete
// parser) reads it: the reference validate_document() must agree with, whatever parser it uses.
std::optional<std::string> reference_text(const std::string& line, const std::string& key) {
  try {
    auto object = nlohmann::json::parse(line);
    if (!object.is_object()) return std::nullopt;
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

TEST(DocumentReader, JsonLinesReadAsAStrictParserReadsThem) {
  const std::vector<std::string> lines = {
      R"({"text": "plain"})",
      R"({"text":"tab\tnew\nline \"quoted\" back\\slash \/ \b\f\r"})",
      R"({"text": "caf\u00e9 \u20ac \ud83d\ude00 \u0041"})",
      "{\"text\": \"raw caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
      R"({"id": 7, "meta": {"text": "nested, not this"}, "text": "outer", "n": [1, 2.5e3, -0]})",
      R"({"text": "first", "text": "duplicate key: the last one"})",
      R"(  {"text": "spaces around"}   )",
      R"({"text": "x"} trailing)",
      R"({"text": "x"}{"text": "y"})",
      R"({"text": "lone high \ud800"})",
      R"({"text": "lone low \udc00 surrogate"})",
      R"({"text": "bad escape \q"})",
      R"({"text": "short \u12"})",
      "{\"text\": \"raw control \x01 char\"}",
      R"({"text": "unterminated)",
      R"({"text": })",
      R"({"text": "a",})",
      R"({text: "unquoted key"})",
      R"({"text": 'single quotes'})",
      R"({"text": "big", "n": 123456789012345678901234567890})",
      R"({"text": "too big for a double", "n": 1e999})",
      R"({"text": "deep", "d": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]})",
      R"({"text": null})",
      R"({"text": true})",
      R"({"text": "nan", "n": NaN})",
      R"({"text": "leading zero", "n": 01})",
      R"("just a string")",
      R"([{"text": "in an array"}])",
      R"({})",
      "{\"text\": \"embedded \\u0000 nul\"}",
  };
  for (const auto& line : lines) {
    auto expected = reference_text(line, "text");
    auto got = validate_document({line, true, 0, 1}, "in.jsonl", "text");
    if (expected) {
      EXPECT_EQ(got.error, "") << line;
      EXPECT_EQ(got.text, *expected) << line;
    } else {
      EXPECT_NE(got.error, "") << line << " gave text '" << got.text << "'";
    }
  }
}

TEST(DocumentReader, TextKeyIsConfigurable) {
  RawDocument doc{"{\"content\": \"hello\", \"id\": 3}", true, 0, 1};
  EXPECT_EQ(validate_document(doc, "f", "content").text, "hello");
  EXPECT_FALSE(validate_document(doc, "f", "text").error.empty());
}

}  // namespace
}  // namespace cuvee
