#include "fetchpool/verdict/verdict.hpp"

#include "fetchpool/verdict/bot_walls.hpp"
#include "rules.hpp"

namespace fetchpool {

const ResponseNotes& Judge::NotesWanted() { return verdict::BotWallNotes(); }

void Judge::Decide(const Job& job, Result& result) const {
  const VerdictOptions& options = per_host_ ? per_host_(job.target.host) : options_;
  const verdict::Evidence evidence{job, result.transfer, result.saved, options};
  Verdict& v = result.verdict;
  v = Verdict{};
  bool settled = false;
  for (const verdict::OutcomeRule& rule : verdict::OutcomeRules()) {
    if (rule.settle(evidence, v)) {
      settled = true;
      break;
    }
  }
  if (!settled) v.ok = v.answered = true;
  for (const verdict::PolicyRule& rule : verdict::PolicyRules()) {
    rule.amend(evidence, v, result.state);
  }
}

}  // namespace fetchpool
