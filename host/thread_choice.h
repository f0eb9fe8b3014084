/* Which thread count the fast path's next step runs on: one, or `many`, whichever the
 * times of recent steps say is faster.
 *
 * Two threads are not always faster than one. Where memory bandwidth is what limits a
 * step, a second core adds little; where other programs keep the cores busy, the second
 * thread is preempted in the middle of its share and the first waits for it. Neither can
 * be known before running, and both change while a run goes on, so the choice is measured
 * and measured again. The logits do not depend on the thread count (tests/test_fastpath.c
 * proves it), so switching between steps changes no bit.
 *
 * The schedule: one warm-up step (it touches fresh pages), then a trial of
 * THREAD_CHOICE_PAIRS pairs of steps, one thread and `many` threads side by side, the
 * order swapped from pair to pair; `many` wins when the median of the pairs' time ratios
 * (many / one) is below THREAD_CHOICE_WIN. The winner then runs alone for a period,
 * THREAD_CHOICE_PERIOD steps, doubling (up to THREAD_CHOICE_MAX_PERIOD) each time a trial
 * confirms the choice and starting over when one reverses it, since a trial costs the
 * loser's steps. Until the first trial ends, the count is one.
 *
 * No clock here: the caller times each step and reports it (host/forward_fast.c), so that
 * tests can feed times of their own (tests/test_thread_choice.c). */
#ifndef HOST_THREAD_CHOICE_H
#define HOST_THREAD_CHOICE_H

#define THREAD_CHOICE_PAIRS 3
#define THREAD_CHOICE_WIN 0.97 /* many must save 3%: a tie goes to one thread */
#define THREAD_CHOICE_PERIOD 64
#define THREAD_CHOICE_MAX_PERIOD 1024

typedef enum { CHOICE_WARMUP, CHOICE_TRIAL, CHOICE_SETTLED } ChoicePhase;

typedef struct {
    int many;       /* the thread count compared with one (>= 2) */
    int chosen;     /* 1 or many: the count outside trials */
    ChoicePhase phase;
    int step;       /* steps done in this phase */
    int period;     /* steps of the current settled phase */
    double first;   /* the time of the first step of the current pair */
    double ratio[THREAD_CHOICE_PAIRS]; /* many / one, for each pair of this trial */
    int trials;     /* trials completed */
} ThreadChoice;

void thread_choice_init(ThreadChoice *c, int many);

/* The thread count for the coming step: 1 or c->many. */
int thread_choice_next(const ThreadChoice *c);

/* The step just run, on thread_choice_next(c) threads, took `seconds`. */
void thread_choice_record(ThreadChoice *c, double seconds);

#endif
