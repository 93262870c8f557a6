#include "cuvee/core/nearest_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuvee {
namespace {

TEST(NearestName, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  std::vector<std::string> names{"width", "depth", "heads"};
  EXPECT_EQ(nearest_name("widht", names), "width");
  EXPECT_EQ(nearest_name("dpeth", names), "depth");
  std::vector<std::string> keys{"train.lr", "train.beta1", "train.warmup_steps",
                                "train.eval_every"};
  EXPECT_EQ(nearest_name("train.warmup", keys), "train.warmup_steps");
  EXPECT_EQ(nearest_name("eval.every", keys), "train.eval_every");
  EXPECT_EQ(nearest_name("train.lrr", keys), "train.lr");
}

}  // namespace
}  // namespace cuvee
