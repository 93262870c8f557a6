#include "cuvee/train/distributed.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <utility>

#include "cuvee/core/error.h"
#include "cuvee/train/trainer.h"
#include "tiny_corpus.h"

namespace cuvee {
namespace {

using testing::TempDir;

TEST(Communicator, SumsOverRanksInThreads) {
  TempDir dir;
  std::vector<torch::Tensor> results(2);
  std::vector<std::thread> ranks;
  for (int rank = 0; rank < 2; ++rank) {
    ranks.emplace_back([&, rank] {
      GroupOptions group{rank, 2, "", 0, dir / "store"};
      Communicator comm(group, torch::kCPU);
      EXPECT_STREQ(comm.backend(), "gloo");
      auto t = torch::full({3}, rank + 1.0, torch::kFloat64);
      comm.all_reduce_sum(t);
      results[rank] = t;
    });
  }
  for (auto& t : ranks) t.join();
  for (const auto& r : results)
    EXPECT_TRUE(torch::equal(r, torch::full({3}, 3.0, torch::kFloat64)));
}

// Both ranks learn whether they agree, whichever of them differs.
TEST(Communicator, TellsEveryRankWhetherTheRanksAgree) {
  TempDir dir;
  int round = 0;
  for (double second : {0.25, 0.75, -0.0}) {
    std::vector<int> agree(2, -1);
    std::vector<std::thread> ranks;
    for (int rank = 0; rank < 2; ++rank) {
      ranks.emplace_back([&, rank] {
        GroupOptions group{rank, 2, "", 0, dir / fmt::format("store{}", round)};
        Communicator comm(group, torch::kCPU);
        std::vector<double> weights{0.5, rank == 0 ? 0.5 : second};
        agree[rank] = comm.same_on_every_rank(weights);
      });
    }
    for (auto& t : ranks) t.join();
    EXPECT_EQ(agree[0], agree[1]) << second;
    EXPECT_EQ(agree[0], 0) << second;  // -0.0 differs from 0.5 too, and bitwise from +0.0
    ++round;
  }
}

TEST(Communicator, SingleRankNeedsNoGroup) {
  Communicator comm(GroupOptions{}, torch::kCPU);
  EXPECT_STREQ(comm.backend(), "none");
  auto t = torch::ones({2});
  comm.all_reduce_sum(t);
  EXPECT_TRUE(torch::equal(t, torch::ones({2})));
  EXPECT_THROW(Communicator(GroupOptions{2, 2, "", 0, {}}, torch::kCPU), Error);
}

std::vector<nlohmann::json> read_lines(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Trains `config` on one rank into dir/one, then on two Gloo ranks in threads into dir/two
// (expecting both to succeed); returns the two runs' metrics lines.
std::pair<std::vector<nlohmann::json>, std::vector<nlohmann::json>> metrics_of_one_and_two_ranks(
    const TrainConfig& config, const TempDir& dir) {
  TrainOptions single;
  single.out = dir / "one";
  single.log = false;
  train(config, single);

  std::vector<std::thread> ranks;
  std::vector<std::string> errors(2);
  for (int rank = 0; rank < 2; ++rank) {
    ranks.emplace_back([&, rank] {
      TrainOptions options;
      options.out = dir / "two";
      options.log = false;
      options.group = GroupOptions{rank, 2, "", 0, dir / "store"};
      options.local_ranks = 2;
      try {
        train(config, options);
      } catch (const std::exception& e) {
        errors[rank] = e.what();
      }
    });
  }
  for (auto& t : ranks) t.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  return {read_lines(dir / "one" / "metrics.jsonl"), read_lines(dir / "two" / "metrics.jsonl")};
}

// Two Gloo ranks, each training half of every global batch, record the same losses as one rank
// training the whole batch (up to float32 rounding of the summed gradients).
TEST(DataParallel, TwoRanksMatchOneRank) {
  TempDir dir;
  auto data = testing::make_tiny_corpus(dir);
  auto config = testing::tiny_config(data);
  config.steps = 8;
  auto [one, two] = metrics_of_one_and_two_ranks(config, dir);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    for (const auto& [key, value] : one[i].items()) {
      ASSERT_TRUE(two[i].contains(key)) << key;
      if (key.rfind("count.", 0) == 0 || key == "step" || key == "kind" || key == "tokens") {
        EXPECT_EQ(two[i][key], value) << key;
      } else if (value.is_number()) {
        EXPECT_NEAR(two[i][key].get<double>(), value.get<double>(),
                    1e-4 * std::abs(value.get<double>()))
            << "line " << i << " " << key;
      }
    }
  }
}

// With an online policy the ranks' policies see the same all-reduced observations, so they
// keep the same proportions (the trainer checks it every step and would stop otherwise), and
// the proportions follow the single-rank run's up to float32 rounding of the losses.
TEST(DataParallel, RanksAgreeUnderAnOnlinePolicy) {
  TempDir dir;
  auto data = testing::make_tiny_corpus(dir);
  auto config = testing::tiny_config(data);
  config.steps = 10;
  config.mixing = {{"policy", "odm"}};
  auto [one, two] = metrics_of_one_and_two_ranks(config, dir);
  ASSERT_EQ(one.size(), two.size());
  const auto& first_step = one.at(1);  // after step 0's evaluation
  ASSERT_EQ(first_step["kind"], "step");
  bool moved = false;
  for (size_t i = 0; i < one.size(); ++i) {
    for (const auto& [key, value] : one[i].items()) {
      if (key.rfind("weights.", 0) != 0) continue;
      EXPECT_NEAR(two[i][key].get<double>(), value.get<double>(), 1e-6) << "line " << i << key;
      moved = moved || std::abs(value.get<double>() - first_step[key].get<double>()) > 1e-3;
    }
  }
  EXPECT_TRUE(moved) << "ODM never changed the proportions; the test checks nothing";
}

TEST(GroupFromEnvironment, ReadsTorchrunVariables) {
  int local = 0;
  ::unsetenv("WORLD_SIZE");
  EXPECT_FALSE(group_from_environment(local).has_value());
  EXPECT_EQ(local, 1);
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("RANK", "3", 1);
  ::setenv("MASTER_ADDR", "10.0.0.1", 1);
  ::setenv("MASTER_PORT", "29400", 1);
  ::setenv("LOCAL_WORLD_SIZE", "2", 1);
  auto group = group_from_environment(local);
  ASSERT_TRUE(group.has_value());
  EXPECT_EQ(group->rank, 3);
  EXPECT_EQ(group->world, 4);
  EXPECT_EQ(group->master_addr, "10.0.0.1");
  EXPECT_EQ(group->master_port, 29400);
  EXPECT_EQ(local, 2);
  ::setenv("RANK", "4", 1);
  EXPECT_THROW(group_from_environment(local), Error);
  ::setenv("RANK", "1", 1);
  ::unsetenv("MASTER_PORT");
  EXPECT_THROW(group_from_environment(local), Error);
  for (const char* name : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "LOCAL_WORLD_SIZE"}) {
    ::unsetenv(name);
  }
}

TEST(GroupFromEnvironment, JoinsTorchrunsAgentStore) {
  int local = 0;
  ::setenv("WORLD_SIZE", "2", 1);
  ::setenv("RANK", "1", 1);
  ::setenv("MASTER_ADDR", "127.0.0.1", 1);
  ::setenv("MASTER_PORT", "29400", 1);
  EXPECT_TRUE(group_from_environment(local)->agent_store_prefix.empty());
  ::setenv("TORCHELASTIC_USE_AGENT_STORE", "False", 1);
  EXPECT_TRUE(group_from_environment(local)->agent_store_prefix.empty());
  // As torch.distributed.rendezvous: every rank a client, keys under the attempt's prefix.
  ::setenv("TORCHELASTIC_USE_AGENT_STORE", "True", 1);
  ::setenv("TORCHELASTIC_RESTART_COUNT", "3", 1);
  EXPECT_EQ(group_from_environment(local)->agent_store_prefix, "/worker/attempt_3");
  ::unsetenv("TORCHELASTIC_RESTART_COUNT");
  EXPECT_THROW(group_from_environment(local), Error);
  ::setenv("TORCHELASTIC_RESTART_COUNT", "x", 1);
  EXPECT_THROW(group_from_environment(local), Error);
  for (const char* name : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT",
                           "TORCHELASTIC_USE_AGENT_STORE", "TORCHELASTIC_RESTART_COUNT"}) {
    ::unsetenv(name);
  }
}

}  // namespace
}  // namespace cuvee
