/* spin.c - how long a connection's reader polls for the client's next
 * request before it goes to sleep.
 *
 * Why poll at all: a client with one request in flight (diodload, a
 * cache=none guest doing one system call at a time) sends its next
 * request a few tens of microseconds after it read our reply.  A reader
 * that sleeps in read() in between must be woken for every request, and
 * when the client runs on the other CPU that wake-up is an interrupt to
 * a halted CPU; on a virtual machine without guest halt polling (this
 * build machine) it is the largest single cost of a request: diodload
 * at one thread ran twice as fast with the reader polling (docs/bench.md,
 * "one connection").  So after a reply it sent itself the reader polls
 * the socket for a short window, yielding the CPU between polls so that
 * a client on the same CPU can run, and only then blocks.
 *
 * The window adapts per connection as the kernel's haltpoll governor
 * does: it starts at 0 (block at once), opens to a quarter of the
 * maximum once a wait ended within the maximum, doubles when the client
 * came back after the window ended but within the maximum, halves when
 * it took longer, and closes again below a quarter, so a client that
 * pauses between requests costs a few polls, not a spinning CPU.  At
 * most one reader fewer than there are CPUs polls at a time: polling
 * never takes the last CPU from the clients, workers and everything
 * else on the machine, and on one CPU nobody polls.
 *
 * A reader that shares its CPU with a busy process loses by polling: a
 * yield hands the CPU to it for a whole time slice, where a sleeping
 * reader woken by the request would have preempted it (measured: a
 * client and server on one loaded CPU went from 12,000 to 4,400
 * read+write pairs/s).  So a yield that kept the reader away longer than the
 * longest window ends the poll and stops polling on that connection for
 * SPIN_BACKOFF_NS; then it may try again.  And a TCP client whose bytes
 * the kernel last took in on the reader's own CPU (SO_INCOMING_CPU: on
 * loopback and behind QEMU's user network, the sender's CPU) cannot send
 * while the reader polls there: the reader blocks at once.
 *
 * None of that sees the harm polling does to a client that needs a third
 * thread to reach us: a TCG guest behind QEMU's user network sends each
 * request through QEMU's main loop, which must wake while the guest's
 * virtual CPU holds one CPU and the polling reader the other; the guest
 * ran a tar extract 17% slower with polling on a two-CPU host (docs/
 * bench.md).  So each connection runs a trial, as a person would, by
 * measuring what counts: the time from our reply to the client's next
 * request.  Phases of SPIN_PHASE such waits alternate between polling
 * and blocking until both have a mean; after that every phase takes the
 * faster way, but one in SPIN_EXPLORE tries the other again, so a client
 * whose pattern changes is followed.  Polling costs a CPU, so it must
 * win by SPIN_MARGIN, and a polling phase whose polls caught fewer than
 * one request in SPIN_EXPLORE loses outright (in that guest's run they
 * caught none at all: its requests came 260 us apart on average).  A
 * wait is capped at SPIN_CAP_NS: longer is the client's own pause, which
 * the reader neither causes nor cures. */
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include "frontend/frontend.h"

#define SPIN_BACKOFF_NS	100000000u	/* 100 ms without polling */
#define SPIN_PHASE	128		/* waits per trial phase */
#define SPIN_EXPLORE	8		/* one phase in 8 tries the other way */
#define SPIN_CAP_NS	1000000u	/* a wait counts for at most 1 ms */
#define SPIN_MARGIN	16		/* polling must be 1/16 faster */

uint64_t
spin_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A reader that polls less often than this is wasting its polls. */
static uint32_t
spin_floor(uint32_t max_ns)
{
	return max_ns / 4;
}

uint32_t
spin_budget(const struct spinwin *sw, uint64_t now)
{
	return !sw->block && now >= sw->off_until ? sw->ns : 0;
}

/* Blocking wins unless polling's mean is at least 1/SPIN_MARGIN lower. */
static bool
spin_blocking_wins(const struct spinwin *sw)
{
	uint64_t poll = sw->mean[0], block = sw->mean[1];

	return poll + poll / (SPIN_MARGIN - 1) > block;
}

void
spin_judge(struct spinwin *sw, uint64_t waited_ns, bool caught)
{
	uint32_t m;
	bool best;

	sw->waits++;
	sw->caught += caught;
	sw->phase_caught += caught;
	sw->sum += waited_ns < SPIN_CAP_NS ? waited_ns : SPIN_CAP_NS;
	if (++sw->count < SPIN_PHASE)
		return;
	m = (uint32_t)(sw->sum / sw->count);
	if (m == 0)
		m = 1;			/* 0 means "not measured yet" */
	/* Polls that caught (almost) nothing cost CPU and saved nothing;
	 * what they cost others may not show in this client's mean (a
	 * guest's main loop delayed on the CPU we held): a loss. */
	if (!sw->block && sw->phase_caught * SPIN_EXPLORE < sw->count)
		m = SPIN_CAP_NS;
	/* A moving mean over phases: a phase moves it half way, so that
	 * the way tried once in SPIN_EXPLORE phases follows a client that
	 * changed within a few tries. */
	sw->mean[sw->block] = sw->mean[sw->block] == 0 ? m :
	    (uint32_t)(((uint64_t)sw->mean[sw->block] + m) / 2);
	sw->phases++;
	sw->polled_phases += !sw->block;
	sw->count = sw->phase_caught = 0;
	sw->sum = 0;
	if (sw->mean[0] == 0 || sw->mean[1] == 0) {
		sw->block = !sw->block;	/* measure the other way first */
		return;
	}
	best = spin_blocking_wins(sw);
	sw->block = sw->phases % SPIN_EXPLORE == 0 ? !best : best;
}

void
spin_learn(struct spinwin *sw, uint32_t max_ns, uint64_t waited_ns)
{
	uint32_t w = sw->ns;

	if (waited_ns <= w)
		return;			/* the poll caught it: keep the window */
	if (waited_ns <= max_ns) {	/* just missed: poll longer */
		w = w < spin_floor(max_ns) ? spin_floor(max_ns) : w * 2;
		sw->ns = w > max_ns ? max_ns : w;
		return;
	}
	w /= 2;				/* a slow client: poll less */
	sw->ns = w < spin_floor(max_ns) ? 0 : w;
}

bool
spin_client_here(int fd)
{
	int cpu = -1;
	socklen_t len = sizeof(cpu);

	if (getsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU, &cpu, &len) < 0 ||
	    cpu < 0)
		return false;		/* unix sockets: not known */
	return cpu == sched_getcpu();
}

void
spin_backoff(struct spinwin *sw, uint64_t now)
{
	sw->ns = 0;
	sw->off_until = now + SPIN_BACKOFF_NS;
}

bool
spin_claim(struct spinners *s)
{
	int n = atomic_load(&s->n);

	while (n < s->max)
		if (atomic_compare_exchange_weak(&s->n, &n, n + 1))
			return true;
	return false;
}

void
spin_release(struct spinners *s)
{
	atomic_fetch_sub(&s->n, 1);
}

/* One reader fewer than the CPUs we may run on. */
void
spinners_init(struct spinners *s)
{
	cpu_set_t set;
	int ncpu = 1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		ncpu = CPU_COUNT(&set);
	atomic_init(&s->n, 0);
	s->max = ncpu > 1 ? ncpu - 1 : 0;
}
