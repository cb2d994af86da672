/* test_spin.c - the reader's poll window (frontend/spin.c): how it opens,
 * grows, shrinks and closes with the client's turnaround, the back-off
 * after the CPU was taken away, the trial that keeps polling only for a
 * client it makes faster, and how many readers may poll at once. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"
#include "tests/unit/tap.h"

#define MAX 100000u	/* ns, as --poll-us 100 */

static void
window_rules(void)
{
	struct spinwin sw = { 0 };

	spin_learn(&sw, MAX, 2 * MAX);
	is_int(sw.ns, 0, "a slow client leaves a closed window closed");
	spin_learn(&sw, MAX, 40000);
	is_int(sw.ns, MAX / 4, "a turnaround within the maximum opens it at a "
	    "quarter");
	spin_learn(&sw, MAX, 10000);
	is_int(sw.ns, MAX / 4, "a request caught by the poll keeps the window");
	spin_learn(&sw, MAX, 30000);
	is_int(sw.ns, MAX / 2, "just missed: the window doubles");
	spin_learn(&sw, MAX, 90000);
	is_int(sw.ns, MAX, "and doubles again up to the maximum");
	spin_learn(&sw, MAX, MAX);
	is_int(sw.ns, MAX, "never beyond the maximum");
	spin_learn(&sw, MAX, 5 * MAX);
	is_int(sw.ns, MAX / 2, "a wait longer than the maximum halves it");
	spin_learn(&sw, MAX, 5 * MAX);
	is_int(sw.ns, MAX / 4, "twice: a quarter");
	spin_learn(&sw, MAX, 5 * MAX);
	is_int(sw.ns, 0, "below a quarter it closes");
	sw.ns = 0;
	spin_learn(&sw, 0, 1000);
	is_int(sw.ns, 0, "--poll-us 0: never opens");
}

static void
backoff(void)
{
	struct spinwin sw = { .ns = MAX };
	uint64_t now = 5000000000u;

	is_int(spin_budget(&sw, now), MAX, "an open window is the budget");
	spin_backoff(&sw, now);
	is_int(spin_budget(&sw, now), 0, "backing off: no polling");
	spin_learn(&sw, MAX, 10000);
	ok(sw.ns > 0, "a quick client reopens the window during the back-off");
	is_int(spin_budget(&sw, now + 99000000u), 0,
	    "but no polling for 99 ms");
	is_int(spin_budget(&sw, now + 100000000u), MAX / 4,
	    "after 100 ms the reopened window applies");
}

#define PHASE 128	/* SPIN_PHASE */

/* A client that comes back poll_ns after our reply when the reader
 * polled (caught by the poll when within the window) and block_ns when
 * it blocked, for n phases: how many phases polled.  Every wait checks
 * that the budget is the open window in a polling phase and 0 in a
 * blocking one. */
static int
client(struct spinwin *sw, int n, uint64_t poll_ns, uint64_t block_ns,
    int *bad)
{
	int polled = 0;

	for (int i = 0; i < n; i++) {
		bool polls = !sw->block;

		polled += polls;
		for (int j = 0; j < PHASE; j++) {
			sw->ns = MAX;
			if (spin_budget(sw, 0) != (polls ? MAX : 0) ||
			    sw->block != !polls)
				(*bad)++;
			spin_judge(sw, polls ? poll_ns : block_ns,
			    polls && poll_ns <= MAX);
		}
	}
	return polled;
}

static void
trial(void)
{
	struct spinwin sw = { 0 };
	int bad = 0, n;

	ok(!sw.block, "a new connection polls first");
	n = client(&sw, 1, 30000, 150000, &bad);
	ok(n == 1 && sw.block && sw.phases == 1 && sw.mean[0] == 30000,
	    "after %d waits it blocks, to measure that too (mean %u)", PHASE,
	    sw.mean[0]);
	sw.count = PHASE - 1;
	sw.sum = (uint64_t)(PHASE - 1) * 150000;
	spin_judge(&sw, 150000, false);
	ok(!sw.block && sw.count == 0, "a phase ends after exactly %d waits",
	    PHASE);

	/* Polling halves this client's turnaround (a host client on the
	 * other CPU): it polls but for one phase in 8. */
	memset(&sw, 0, sizeof(sw));
	n = client(&sw, 64, 30000, 150000, &bad);
	ok(n >= 56 && n <= 58, "polling faster: %d of 64 phases polled", n);
	is_int(sw.polled_phases, n, "the log's count agrees");

	/* Polling slows this client down (a TCG guest behind QEMU's user
	 * network): it blocks but for one phase in 8. */
	memset(&sw, 0, sizeof(sw));
	n = client(&sw, 64, 500000, 400000, &bad);
	ok(n >= 8 && n <= 10, "polling slower: %d of 64 phases polled", n);

	/* Polling must win by 1/16 to cost a CPU. */
	memset(&sw, 0, sizeof(sw));
	n = client(&sw, 64, 95000, 100000, &bad);
	ok(n <= 10, "5%% faster polling is not enough: %d of 64 polled", n);
	memset(&sw, 0, sizeof(sw));
	n = client(&sw, 64, 90000, 100000, &bad);
	ok(n >= 56, "10%% faster polling is: %d of 64 polled", n);

	/* A client pausing far longer than any poll: both ways capped at
	 * 1 ms, a tie, and a tie blocks. */
	memset(&sw, 0, sizeof(sw));
	n = client(&sw, 64, 5000000, 50000000, &bad);
	ok(n <= 10 && sw.mean[0] == 1000000 && sw.mean[1] == 1000000,
	    "pauses of 5 and 50 ms both count 1 ms: %d of 64 polled", n);

	/* One second-long pause in a polling phase moves its mean by at
	 * most 1 ms / 128. */
	memset(&sw, 0, sizeof(sw));
	for (int j = 0; j < PHASE; j++)
		spin_judge(&sw, j == 7 ? 1000000000u : 30000, j != 7);
	is_int(sw.mean[0], 30000 + (1000000 - 30000) / PHASE,
	    "an outlier is capped");

	/* Polls that caught fewer than 1 request in 8 lose, even with a
	 * shorter turnaround (what they cost others the mean cannot show);
	 * 1 in 8 is enough. */
	memset(&sw, 0, sizeof(sw));
	for (int j = 0; j < PHASE; j++)
		spin_judge(&sw, 30000, j < PHASE / 8 - 1);
	client(&sw, 1, 0, 150000, &bad);
	ok(sw.mean[0] == 1000000 && sw.block, "a poll phase catching %d of "
	    "%d loses (mean counted %u us)", PHASE / 8 - 1, PHASE,
	    sw.mean[0] / 1000);
	memset(&sw, 0, sizeof(sw));
	for (int j = 0; j < PHASE; j++)
		spin_judge(&sw, 30000, j < PHASE / 8);
	client(&sw, 1, 0, 150000, &bad);
	ok(sw.mean[0] == 30000 && !sw.block, "catching %d of %d it counts "
	    "as measured and wins", PHASE / 8, PHASE);
	is_int(sw.caught, PHASE / 8, "caught requests are counted for the "
	    "log");

	/* The client changes: it was slowed by polling, now it is helped;
	 * the phases that try polling again find out. */
	memset(&sw, 0, sizeof(sw));
	client(&sw, 64, 500000, 400000, &bad);
	client(&sw, 32, 30000, 150000, &bad);
	n = client(&sw, 32, 30000, 150000, &bad);
	ok(n >= 26, "a client polling now helps is polled for again: %d of "
	    "the 32 phases after the first 32", n);
	is_int(bad, 0, "budget 0 in every blocking phase, the window in "
	    "every polling one");
}

static void
claims(void)
{
	struct spinners s;
	cpu_set_t set;
	int ncpu;

	spinners_init(&s);
	ok(sched_getaffinity(0, sizeof(set), &set) == 0, "affinity read");
	ncpu = CPU_COUNT(&set);
	is_int(s.max, ncpu - 1, "one poller fewer than the %d CPUs", ncpu);
	for (int i = 0; i < s.max; i++)
		if (!ok(spin_claim(&s), "claim %d of %d", i + 1, s.max))
			break;
	ok(!spin_claim(&s), "no claim beyond the limit");
	if (s.max > 0) {
		spin_release(&s);
		ok(spin_claim(&s), "a released claim can be taken again");
	}
	s.max = 0;
	atomic_store(&s.n, 0);
	ok(!spin_claim(&s), "limit 0 (one CPU): nobody polls");
}

/* Claims from many threads at once never exceed the limit. */
static struct spinners shared;
static atomic_int most, errors;

static void *
claimer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		if (!spin_claim(&shared))
			continue;
		int n = atomic_load(&shared.n);
		if (n > shared.max)
			atomic_fetch_add(&errors, 1);
		if (n > atomic_load(&most))
			atomic_store(&most, n);
		spin_release(&shared);
	}
	return NULL;
}

static void
claims_threads(void)
{
	pthread_t t[8];

	atomic_init(&shared.n, 0);
	shared.max = 3;
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, claimer, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	is_int(atomic_load(&errors), 0, "8 threads: never more than 3 claims "
	    "held (most seen %d)", atomic_load(&most));
	is_int(atomic_load(&shared.n), 0, "every claim released");
}

int
main(void)
{
	window_rules();
	backoff();
	trial();
	claims();
	claims_threads();
	return tap_done();
}
