// Crash points: the moments at which the crash-safety tests kill cuvee (docs/reliability.md).
// Every place where a crash could leave something half done calls crash_point(): each write
// of a file that appears whole (atomic_file.h) and each step of its commit, each line of the
// metrics log, the phases of a training step, a policy refit just started. Normally a call costs
// one branch on a flag read once.
//
// When the environment sets CUVEE_TEST_CRASH_AT=N, the N-th crash point reached sends SIGKILL to
// the process's whole process group (so a study dies with the training it started, as it would
// when a machine goes down): the tests run cuvee in a process group of its own (`setsid`). The
// count is this process's own, or, when CUVEE_TEST_CRASH_COUNTER names a file, one count shared
// by every process that names it (a study and its children). With N = 0 nothing is killed and
// the shared count still grows, so a test can learn how many crash points a whole run has.
#pragma once

namespace cuvee {

void crash_point();

}  // namespace cuvee
