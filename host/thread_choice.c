/* Measuring one thread against many, step by step (host/thread_choice.h). */
#include "host/thread_choice.h"

#include <stdlib.h>

void thread_choice_init(ThreadChoice *c, int many) {
    *c = (ThreadChoice){.many = many, .chosen = 1, .phase = CHOICE_WARMUP, .period = THREAD_CHOICE_PERIOD};
}

/* In a trial, pair p runs one thread first when p is even, `many` first when p is odd:
 * a step at a later position attends over one more key, and swapping the order keeps that
 * from favouring either count. */
static int trial_runs_one(int step) {
    int pair = step / 2, second = step % 2;
    return (pair % 2 == 0) != (second == 1);
}

int thread_choice_next(const ThreadChoice *c) {
    if (c->phase == CHOICE_TRIAL) return trial_runs_one(c->step) ? 1 : c->many;
    return c->chosen;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of the trial's ratios: one preempted step moves it less than a mean. */
static double median_ratio(const ThreadChoice *c) {
    double r[THREAD_CHOICE_PAIRS];
    for (int i = 0; i < THREAD_CHOICE_PAIRS; i++) r[i] = c->ratio[i];
    qsort(r, THREAD_CHOICE_PAIRS, sizeof r[0], compare_doubles);
    return THREAD_CHOICE_PAIRS % 2 ? r[THREAD_CHOICE_PAIRS / 2]
                                   : (r[THREAD_CHOICE_PAIRS / 2 - 1] + r[THREAD_CHOICE_PAIRS / 2]) / 2;
}

static void settle(ThreadChoice *c) {
    int chosen = median_ratio(c) < THREAD_CHOICE_WIN ? c->many : 1;
    if (c->trials > 0 && chosen == c->chosen) {
        c->period = c->period * 2 > THREAD_CHOICE_MAX_PERIOD ? THREAD_CHOICE_MAX_PERIOD : c->period * 2;
    } else {
        c->period = THREAD_CHOICE_PERIOD;
    }
    c->chosen = chosen;
    c->trials++;
    c->phase = CHOICE_SETTLED;
    c->step = 0;
}

void thread_choice_record(ThreadChoice *c, double seconds) {
    switch (c->phase) {
    case CHOICE_WARMUP:
        c->phase = CHOICE_TRIAL;
        c->step = 0;
        return;
    case CHOICE_TRIAL:
        if (c->step % 2 == 0) {
            c->first = seconds;
        } else {
            int one_first = trial_runs_one(c->step - 1);
            double one = one_first ? c->first : seconds, many = one_first ? seconds : c->first;
            c->ratio[c->step / 2] = one > 0 ? many / one : 1.0; /* a clock too coarse: a tie */
        }
        if (++c->step == 2 * THREAD_CHOICE_PAIRS) settle(c);
        return;
    case CHOICE_SETTLED:
        if (++c->step == c->period) {
            c->phase = CHOICE_TRIAL;
            c->step = 0;
        }
        return;
    }
}
