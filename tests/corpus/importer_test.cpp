#include "cuvee/corpus/importer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/corpus/domain_writer.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::string jsonl(int documents, const std::string& prefix = "doc") {
  std::string text;
  for (int i = 0; i < documents; ++i) {
    text += nlohmann::json{{"text", fmt::format("{} {} says caf\u00e9 {}", prefix, i,
                                                std::string(i % 13, '+'))}}
                .dump() +
            "\n";
  }
  return text;
}

ImportOptions options_for(const TempDir& dir, std::vector<fs::path> inputs) {
  Progress::set_enabled(false);
  ImportOptions options;
  options.domain = "web";
  options.out = dir / "domains";
  options.inputs = std::move(inputs);
  options.heldout = 0.1;
  return options;
}

TEST(Import, WritesTrainValidationTestAndManifest) {
  TempDir dir;
  auto input = dir.write("web.jsonl", jsonl(500));
  auto report = import_domain(options_for(dir, {input}));
  Domain domain(dir / "domains" / "web");
  const auto& m = domain.manifest();
  EXPECT_EQ(m.train.documents + m.validation.documents + m.test.documents, 500u);
  // 10% held out, half of it to each of validation and test: 25 of 500 expected in each.
  for (Split split : {Split::kValidation, Split::kTest}) {
    EXPECT_GT(m.split(split).documents, 10u) << split_name(split);
    EXPECT_LT(m.split(split).documents, 45u) << split_name(split);
    EXPECT_EQ(domain.split(split).documents(), m.split(split).documents);
  }
  EXPECT_EQ(m.tokenizer.kind, "bytes");
  EXPECT_EQ(m.dtype, "uint16");
  // Byte tokens: the first training document reads back as its UTF-8 bytes plus end-of-document.
  auto first = domain.train().document(0);
  EXPECT_EQ(first.back(), 256);
  std::string text;
  for (size_t i = 0; i + 1 < first.size(); ++i) text += static_cast<char>(first[i]);
  EXPECT_EQ(text.rfind("doc ", 0), 0u);
  EXPECT_NE(text.find("caf\u00e9"), std::string::npos);
}

TEST(Import, SameBytesOnOneAndTwoThreadsAndAnyBatchSize) {
  TempDir dir;
  auto input = dir.write("web.jsonl", jsonl(300));
  auto options = options_for(dir, {input});
  options.threads = 1;
  import_domain(options);
  std::string train1 = read_file(dir / "domains/web/train.bin");
  std::string manifest1 = read_file(dir / "domains/web/manifest.json");
  options.threads = 2;
  options.batch_bytes = 100;
  import_domain(options);
  EXPECT_EQ(read_file(dir / "domains/web/train.bin"), train1);
  EXPECT_EQ(read_file(dir / "domains/web/manifest.json"), manifest1);
}

TEST(Import, HeldoutSplitsFollowTheTextNotItsPosition) {
  EXPECT_EQ(split_of("some document", 0.3), split_of("some document", 0.3));
  int validation = 0, test = 0;
  for (int i = 0; i < 10000; ++i) {
    const Split split = split_of(fmt::format("document {}", i), 0.25);
    validation += split == Split::kValidation;
    test += split == Split::kTest;
  }
  EXPECT_NEAR(validation / 10000.0, 0.125, 0.015);
  EXPECT_NEAR(test / 10000.0, 0.125, 0.015);
  EXPECT_EQ(split_of("anything", 0.0), Split::kTrain);
  // A document held out at one fraction stays held out, in the same split, at a larger one.
  for (int i = 0; i < 1000; ++i) {
    const std::string text = fmt::format("document {}", i);
    if (split_of(text, 0.1) != Split::kTrain) EXPECT_NE(split_of(text, 0.2), Split::kTrain);
  }
}

struct BadLine {
  const char* name;
  const char* line;
  const char* message;
};

class BadImport : public ::testing::TestWithParam<BadLine> {};

TEST_P(BadImport, FailsNamingFileAndLineAndLeavesNothing) {
  TempDir dir;
  auto input = dir.write("in.jsonl", jsonl(3) + GetParam().line + "\n" + jsonl(2));
  try {
    import_domain(options_for(dir, {input}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("in.jsonl:4: "), std::string::npos) << message;
    EXPECT_NE(message.find(GetParam().message), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir / "domains/web"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadImport,
    ::testing::Values(BadLine{"MalformedJson", "{\"text\": ", "malformed JSON"},
                      BadLine{"MissingTextField", "{\"title\": \"no text\"}", "no 'text' field"},
                      BadLine{"InvalidUtf8", "{\"text\": \"\xc3\x28\"}", "invalid UTF-8"},
                      BadLine{"EmptyDocument", "{\"text\": \"\"}", "empty document"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Import, SkipBadCountsEachReasonAndKeepsTheRest) {
  TempDir dir;
  auto input = dir.write(
      "in.jsonl", jsonl(20) + "{bad\n{\"text\": \"\"}\n{\"text\": \"\"}\n" + jsonl(5, "more"));
  auto options = options_for(dir, {input});
  options.skip_bad = true;
  auto report = import_domain(options);
  EXPECT_EQ(report.manifest.skipped_bad, 3u);
  EXPECT_EQ(report.skipped, (std::vector<std::pair<std::string, uint64_t>>{{"empty document", 2},
                                                                           {"malformed JSON", 1}}));
  const auto& m = report.manifest;
  EXPECT_EQ(m.train.documents + m.validation.documents + m.test.documents, 25u);
}

TEST(Import, FailedReimportKeepsNoHalfWrittenDomain) {
  TempDir dir;
  auto good = dir.write("good.jsonl", jsonl(50));
  import_domain(options_for(dir, {good}));
  std::string before = read_file(dir / "domains/web/train.bin");
  auto bad = dir.write("bad.jsonl", jsonl(50) + "{oops\n");
  EXPECT_THROW(import_domain(options_for(dir, {bad})), Error);
  // The old files are untouched and no temporaries remain.
  EXPECT_EQ(read_file(dir / "domains/web/train.bin"), before);
  for (const auto& entry : fs::directory_iterator(dir / "domains/web")) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

TEST(Import, RejectsBadOptions) {
  TempDir dir;
  auto input = dir.write("in.jsonl", jsonl(5));
  auto options = options_for(dir, {input});
  options.domain = "../escape";
  EXPECT_THROW(import_domain(options), Error);
  options = options_for(dir, {input});
  options.heldout = 1.5;
  EXPECT_THROW(import_domain(options), Error);
  options = options_for(dir, {dir / "absent.jsonl"});
  EXPECT_THROW(import_domain(options), Error);
}

TEST(Domains, FindAndOpenSortedAndRefuseMixedTokenizers) {
  TempDir dir;
  for (const char* name : {"zeta", "alpha"}) {
    auto options = options_for(dir, {dir.write(std::string(name) + ".jsonl", jsonl(30, name))});
    options.domain = name;
    import_domain(options);
  }
  std::vector<fs::path> root = {dir / "domains"};
  auto domains = open_domains(root);
  ASSERT_EQ(domains.size(), 2u);
  EXPECT_EQ(domains[0]->name(), "alpha");
  std::vector<fs::path> twice = {dir / "domains", dir / "domains/alpha"};
  EXPECT_THROW(find_domains(twice), Error);
  std::vector<fs::path> empty = {dir.path()};
  EXPECT_THROW(find_domains(empty), Error);
}

}  // namespace
}  // namespace cuvee
