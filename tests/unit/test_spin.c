/* test_spin.c - the reader's poll window (frontend/spin.c): how it opens,
 * grows, shrinks and closes with the client's turnaround, the back-off
 * after the CPU was taken away, and how many readers may poll at once. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "frontend/frontend.h"
#include "tests/unit/tap.h"

#define MAX 100000u	/* ns, as --poll-us 100 */

static void
window_rules(void)
{
	struct spinwin sw = { 0, 0 };

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
	struct spinwin sw = { MAX, 0 };
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
	claims();
	claims_threads();
	return tap_done();
}
