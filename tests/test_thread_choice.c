/* The fast path's choice between one thread and many (host/thread_choice.c), fed with
 * step times made up here: the schedule of trials, the decision, its robustness to one
 * preempted step, the growing period, and a simulated run whose speed changes half-way.
 * make test-thread-choice (in make test). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "host/thread_choice.h"

enum { MANY = 2 };

/* Runs one step on the count the choice asks for; its time is one_s or many_s. Returns
 * the count it ran on. */
static int step(ThreadChoice *c, double one_s, double many_s) {
    int threads = thread_choice_next(c);
    assert_true(threads == 1 || threads == MANY);
    thread_choice_record(c, threads == 1 ? one_s : many_s);
    return threads;
}

/* Warm-up on one thread, then pairs (1, many), (many, 1), (1, many). */
static void test_first_trial_order(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    const int want[] = {1, 1, MANY, MANY, 1, 1, MANY};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int got = step(&c, 1.0, 0.5);
        if (got != want[i]) fail_msg("step %zu ran on %d threads, want %d", i, got, want[i]);
    }
}

/* After the trial, the faster count runs alone for THREAD_CHOICE_PERIOD steps, then the
 * next trial starts. */
static void run_trial(ThreadChoice *c, double one_s, double many_s) {
    for (int i = 0; i < 2 * THREAD_CHOICE_PAIRS; i++) step(c, one_s, many_s);
}

static void test_many_wins_when_faster(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 0.6); /* warm-up */
    run_trial(&c, 1.0, 0.6);
    for (int i = 0; i < THREAD_CHOICE_PERIOD; i++)
        if (step(&c, 1.0, 0.6) != MANY) fail_msg("settled step %d ran on one thread", i);
    assert_int_equal(c.phase, CHOICE_TRIAL); /* the period is over: a trial again */
    assert_int_equal(thread_choice_next(&c), 1);
}

static void test_one_wins_when_many_is_slower(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 1.2);
    run_trial(&c, 1.0, 1.2);
    for (int i = 0; i < THREAD_CHOICE_PERIOD; i++)
        if (step(&c, 1.0, 1.2) != 1) fail_msg("settled step %d ran on %d threads", i, MANY);
}

/* Within the margin (2% faster) and with a clock that read zero: one thread. */
static void test_ties_go_to_one(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 0.98);
    run_trial(&c, 1.0, 0.98);
    assert_int_equal(thread_choice_next(&c), 1);
    thread_choice_init(&c, MANY);
    step(&c, 0.0, 0.0);
    run_trial(&c, 0.0, 0.0);
    assert_int_equal(thread_choice_next(&c), 1);
    /* just past the margin the other way: many */
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 0.96);
    run_trial(&c, 1.0, 0.96);
    assert_int_equal(thread_choice_next(&c), MANY);
}

/* One step of the trial preempted (ten times its time) does not decide it. */
static void test_one_slow_step_does_not_decide(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 0.6);
    for (int i = 0; i < 2 * THREAD_CHOICE_PAIRS; i++) {
        int threads = thread_choice_next(&c);
        double many_s = i == 2 ? 6.0 : 0.6; /* step 2 is the first of pair 1: many */
        assert_int_equal(threads, i == 2 ? MANY : threads);
        thread_choice_record(&c, threads == 1 ? 1.0 : many_s);
    }
    assert_int_equal(thread_choice_next(&c), MANY);
    /* the same outlier on a one-thread step does not make many win either */
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 1.1);
    for (int i = 0; i < 2 * THREAD_CHOICE_PAIRS; i++) {
        int threads = thread_choice_next(&c);
        thread_choice_record(&c, threads == 1 ? (i == 0 ? 10.0 : 1.0) : 1.1);
    }
    assert_int_equal(thread_choice_next(&c), 1);
}

/* Settled phases double while trials agree, up to the maximum, and start over when a trial
 * reverses the choice. */
static int settled_length(ThreadChoice *c, double one_s, double many_s, int want) {
    int n = 0;
    while (c->phase == CHOICE_SETTLED) {
        if (step(c, one_s, many_s) != want) fail_msg("settled step %d ran on the other count", n);
        n++;
    }
    return n;
}

static void test_period_doubles_then_resets(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    step(&c, 1.0, 0.5);
    int want = THREAD_CHOICE_PERIOD;
    for (int trial = 0; trial < 7; trial++) {
        run_trial(&c, 1.0, 0.5);
        int n = settled_length(&c, 1.0, 0.5, MANY);
        if (n != want) fail_msg("settled phase %d: %d steps, want %d", trial, n, want);
        want = want * 2 > THREAD_CHOICE_MAX_PERIOD ? THREAD_CHOICE_MAX_PERIOD : want * 2;
    }
    assert_int_equal(c.period, THREAD_CHOICE_MAX_PERIOD);
    run_trial(&c, 1.0, 1.5); /* the machine got busy */
    assert_int_equal(settled_length(&c, 1.0, 1.5, 1), THREAD_CHOICE_PERIOD);
}

/* A simulated run of 4000 steps: many threads take 0.6 of one thread's time for the first
 * half, then 1.4 (other programs took the second core). The choice must follow: its total
 * within 3% of the better fixed choice in each half, and below either fixed count over the
 * whole run. */
static void test_follows_a_changing_machine(void **state) {
    (void)state;
    ThreadChoice c;
    thread_choice_init(&c, MANY);
    enum { STEPS = 4000 };
    double total[2] = {0, 0}, best[2] = {0, 0};
    for (int i = 0; i < STEPS; i++) {
        int half = i >= STEPS / 2;
        double one_s = 1.0, many_s = half ? 1.4 : 0.6;
        int threads = step(&c, one_s, many_s);
        total[half] += threads == 1 ? one_s : many_s;
        best[half] += one_s < many_s ? one_s : many_s;
    }
    for (int h = 0; h < 2; h++)
        if (total[h] > best[h] * 1.03) fail_msg("half %d: %.1f against the best fixed count's %.1f", h, total[h], best[h]);
    double always_one = STEPS, always_many = STEPS / 2 * 0.6 + STEPS / 2 * 1.4;
    assert_true(total[0] + total[1] < always_one);
    assert_true(total[0] + total[1] < always_many);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_trial_order),
        cmocka_unit_test(test_many_wins_when_faster),
        cmocka_unit_test(test_one_wins_when_many_is_slower),
        cmocka_unit_test(test_ties_go_to_one),
        cmocka_unit_test(test_one_slow_step_does_not_decide),
        cmocka_unit_test(test_period_doubles_then_resets),
        cmocka_unit_test(test_follows_a_changing_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
