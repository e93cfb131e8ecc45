// --max-p95: the run's own verdict from its answered results' times; failures and cached
// answers do not count, a slow answer --slow warned about does.
#include "fetchpool/verdict/run_budget.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;

Result Answered(std::chrono::microseconds took, bool ok = true) {
  Result r;
  r.verdict.answered = true;
  r.verdict.ok = ok;
  r.verdict.warning = !ok;  // e.g. --slow warned about it
  r.transfer.took = took;
  return r;
}

TEST(RunBudgetTest, WithoutABudgetThereIsNothingToJudge) {
  RunBudget budget(std::nullopt);
  budget.Add(Answered(5s));
  EXPECT_FALSE(budget.Judge());
}

TEST(RunBudgetTest, NothingAnsweredIsNotABreach) {
  RunBudget budget(100);
  Result failed;
  failed.transfer.took = 5s;  // a timeout: not an answer
  budget.Add(failed);
  EXPECT_FALSE(budget.Judge());
}

TEST(RunBudgetTest, TheNinetyFifthPercentileAgainstTheBudget) {
  RunBudget budget(200);
  for (int i = 0; i < 19; ++i) budget.Add(Answered(50ms));
  budget.Add(Answered(300ms, /*ok=*/false));  // warned by --slow, still answered
  std::optional<RunBudget::Outcome> o = budget.Judge();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->answered, 20u);
  EXPECT_EQ(o->max_p95_ms, 200);
  EXPECT_FALSE(o->over) << "19 of 20 at 50 ms: the p95 is 50 ms, p=" << o->p95_ms;
  EXPECT_NEAR(o->p95_ms, 50.0, 1.0);

  budget.Add(Answered(300ms));  // 2 of 21 now slow: above the 95th percentile
  o = budget.Judge();
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->over) << o->p95_ms;
  EXPECT_NEAR(o->p95_ms, 300.0, 6.0);
}

TEST(RunBudgetTest, CachedAnswersAndFailuresDoNotCount) {
  RunBudget budget(100);
  budget.Add(Answered(10ms));
  Result cached = Answered(900ms);
  cached.state.cached = true;
  budget.Add(cached);
  Result failed;
  failed.transfer.took = 900ms;
  budget.Add(failed);
  const std::optional<RunBudget::Outcome> o = budget.Judge();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->answered, 1u);
  EXPECT_FALSE(o->over);
}

}  // namespace
}  // namespace fetchpool
