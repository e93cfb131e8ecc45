#include "fetchpool/engine/run_config.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

TEST(RunConfigTest, DetailsAreCollectedOnlyWhenTheOutputShowsThem) {
  Options o;
  EXPECT_FALSE(RunConfig(o, 1024).collect_details) << "the text line shows none";
  o.output.verbosity = Verbosity::kVerbose;
  EXPECT_TRUE(RunConfig(o, 1024).collect_details);
  o.output.verbosity = Verbosity::kNormal;
  for (OutputFormat f : {OutputFormat::kJsonLines, OutputFormat::kCsv}) {
    o.output.format = f;
    EXPECT_TRUE(RunConfig(o, 1024).collect_details);
  }
}

TEST(RunConfigTest, TheOptionsStayAsGiven) {
  Options o;
  o.pool.workers = 64;
  o.output.ordered = true;
  o.max_time_s = 1.5;
  o.state.path = "s.db";
  o.output.verbosity = Verbosity::kVerbose;
  const RunConfig c(o, 4096);
  EXPECT_EQ(&c.options, &o);
  EXPECT_EQ(c.capacity.max_running, 64);
  EXPECT_EQ(c.capacity.held_connections, c.held_connections);
  EXPECT_GE(c.results_capacity, c.capacity.max_fresh);
  EXPECT_EQ(c.reorder_capacity, 16u * 64u);
  ASSERT_TRUE(c.max_time);
  EXPECT_EQ(*c.max_time, 1500ms);
  EXPECT_TRUE(c.host_notes);
  EXPECT_TRUE(c.track_changes);
}

TEST(RunConfigTest, WithoutTheFlagsNothingIsDerivedForThem) {
  const Options o;
  const RunConfig c(o, 1024);
  EXPECT_EQ(c.reorder_capacity, 0u);
  EXPECT_FALSE(c.max_time);
  EXPECT_FALSE(c.host_notes);
  EXPECT_FALSE(c.track_changes);
  EXPECT_GE(c.held_connections, 1u);
}

}  // namespace
}  // namespace fetchpool
