# The start-up self-test (host/selftest.c): the real forward pass on a tiny built-in model,
# checked bit for bit by fp_environment_check before every run.
#
#   make test-refused-builds  builds that must be refused, beside the same builds done right
#   make bench-selftest       what the self-test costs (microseconds a run)

REFUSED_SRC = run.c $(ENGINE_SRC) $(TRACE_SRC)

.PHONY: test-refused-builds bench-selftest
# about 30 s: two builds for aarch64 and two for the host, one object at a time
test-refused-builds: $(REFUSED_SRC) $(ENGINE_HDR) $(TRACE_HDR)
	CC="$(CC)" tests/test_refused_builds.sh $(BUILD)/refused $(MODELS) "$(REFFLAGS)" $(REFUSED_SRC)
TEST_TARGETS += test-refused-builds

$(BUILD)/bench_selftest: tests/bench_selftest.c host/selftest.c host/selftest.h $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/bench_selftest.c $(ENGINE_SRC) $(LDLIBS)

bench-selftest: $(BUILD)/bench_selftest
	$(BUILD)/bench_selftest
