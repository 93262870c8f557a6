#include "cuvee/corpus/domain_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

DomainManifest byte_manifest(const std::string& name) {
  DomainManifest manifest;
  manifest.name = name;
  manifest.tokenizer = {"bytes", "", "", 257, 256};
  manifest.dtype = "uint16";
  return manifest;
}

// One document per split: train {1, 256}, validation {2, 256}, test {3, 256}, times `copies`.
void write_small_domain(const fs::path& dir, int copies, bool ids = false) {
  DomainManifest manifest = byte_manifest("web");
  DomainWriter out(dir, DType::kUInt16);
  if (ids) {
    out.keep_ids();
    manifest.id_key = "id";
  }
  for (int c = 0; c < copies; ++c) {
    for (Split split : kSplits) {
      const int32_t token = 1 + static_cast<int32_t>(split);
      out.add(split, std::vector<int32_t>{token, 256}, fmt::format("{}-{}", token, c));
    }
  }
  out.commit(manifest);
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DomainWriter, WritesEverySplitAndAManifestThatOpens) {
  TempDir dir;
  write_small_domain(dir / "web", 2, true);
  Domain domain(dir / "web");
  EXPECT_EQ(domain.train().documents(), 2u);
  EXPECT_EQ(domain.validation().document(0), (std::vector<int32_t>{2, 256}));
  EXPECT_EQ(domain.test().document(1), (std::vector<int32_t>{3, 256}));
  EXPECT_EQ(domain.manifest().test.tokens, 4u);
  EXPECT_FALSE(domain.manifest().validation.ids_hash.empty());
  EXPECT_EQ(files_in(dir / "web"),
            (std::vector<std::string>{"manifest.json", "test.bin", "test.ids", "test.idx",
                                      "train.bin", "train.ids", "train.idx", "validation.bin",
                                      "validation.ids", "validation.idx"}));
  EXPECT_NE(describe_splits(domain.manifest()).find("2 documents, 4 tokens in validation"),
            std::string::npos);
  // Written again without ids: the old ids go.
  write_small_domain(dir / "web", 1);
  EXPECT_FALSE(fs::exists(dir / "web" / "train.ids"));
  EXPECT_EQ(Domain(dir / "web").train().documents(), 1u);
}

TEST(DomainWriter, AnAbandonedWriterLeavesThePreviousDomainWhole) {
  TempDir dir;
  write_small_domain(dir / "web", 2);
  const std::string manifest = read_file(dir / "web" / "manifest.json");
  {
    DomainWriter out(dir / "web", DType::kUInt16);
    out.add(Split::kTrain, std::vector<int32_t>{7, 256});
  }  // a failure before commit
  EXPECT_EQ(read_file(dir / "web" / "manifest.json"), manifest);
  EXPECT_EQ(Domain(dir / "web").train().documents(), 2u);
  EXPECT_EQ(files_in(dir / "web").size(), 7u);  // no temporaries left
  { DomainWriter out(dir / "new", DType::kUInt16); }
  EXPECT_FALSE(fs::exists(dir / "new")) << "a folder the writer made outlived it";
}

TEST(DomainWriter, RefusesIdsThatDoNotMatchTheManifest) {
  TempDir dir;
  DomainWriter out(dir / "web", DType::kUInt16);
  out.add(Split::kTrain, std::vector<int32_t>{1, 256});
  DomainManifest manifest = byte_manifest("web");
  manifest.id_key = "id";
  EXPECT_THROW(out.commit(manifest), Error);
  EXPECT_THROW(out.keep_ids(), Error);  // after the first document
}

TEST(Domain, RefusesTheFormatBeforeTheSplitNamingHowToRebuild) {
  TempDir dir;
  write_small_domain(dir / "web", 1);
  auto json = nlohmann::json::parse(read_file(dir / "web" / "manifest.json"));
  json["format"] = "cuvee-domain/1";
  json["heldout"] = json["test"];
  write_file_atomic(dir / "web" / "manifest.json", json.dump());
  try {
    Domain domain(dir / "web");
    FAIL() << "an old manifest opened";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("manifest.json: format 'cuvee-domain/1' holds one held-out split"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("`cuvee import`"), std::string::npos) << message;
  }
}

TEST(Domain, ParsesSplitNamesAndRefusesOthers) {
  for (Split split : kSplits) EXPECT_EQ(parse_split(split_name(split), "split"), split);
  try {
    parse_split("heldout", "split");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "split 'heldout': expected 'train', 'validation' or 'test'");
  }
  EXPECT_EQ(split_prefix("d/web", Split::kValidation), fs::path("d/web/validation"));
}

}  // namespace
}  // namespace cuvee
