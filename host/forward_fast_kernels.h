/* The SIMD kernels of the fast path (host/forward_fast.c), written once and included once
 * per instruction set, so that they have real line numbers in a debugger and in profiles.
 *
 * Before each #include, forward_fast.c defines:
 *   FAST_KERNEL(name)  the kernel's name with the instruction set's suffix (name##_vec4 ...)
 *   FAST_LANES         floats per vector (4, 8, 16); FAST_ROWS (16) must be a multiple
 *   FAST_NACC          matmul accumulators kept in registers (a multiple of FAST_ROWS / FAST_LANES)
 *   FAST_ATTR          the function attribute that enables the instruction set, or nothing
 * and undefines them after. Each lane is an independent IEEE-754 multiply and add in the
 * reference order; no reduction runs across lanes. */

typedef float FAST_KERNEL(vec) __attribute__((vector_size(4 * FAST_LANES)));

/* matvec(out, x, w, n, b0, b1, d): for the blocks b0..b1-1 of an interleaved (d, n) matrix
 * w, out[i] = sum over j of w[i][j] * x[j] in the reference order (val = 0; val = val +
 * w[i][j] * x[j], j = 0..n-1), for rows i < d. FAST_NACC vector accumulators of FAST_LANES
 * floats: FAST_NACC * FAST_LANES / FAST_ROWS blocks side by side, then the blocks left over
 * one at a time. */
FAST_ATTR static void FAST_KERNEL(matvec)(float *out, const float *x, const float *w, int n, int b0, int b1, int d) {
    typedef FAST_KERNEL(vec) vec;
    enum {
        K = FAST_ROWS / FAST_LANES, /* vectors per block row */
        G = FAST_NACC / K,          /* blocks side by side */
        PF = FAST_PREFETCH_BYTES / (4 * FAST_ROWS * G),
        PF1 = FAST_PREFETCH_BYTES / (4 * FAST_ROWS)
    };
    const size_t block = (size_t)n * FAST_ROWS; /* floats per block */
    int b = b0;
    for (; b + G <= b1; b += G) {
        const vec *p = (const vec *)(const void *)(w + (size_t)b * block);
        vec acc[FAST_NACC];
        _Pragma("GCC unroll 16") for (int a = 0; a < FAST_NACC; a++) acc[a] = (vec){0};
        for (int j = 0; j < n; j++) {
            float xj = x[j];
            _Pragma("GCC unroll 16") for (int g = 0; g < G; g++)
                FAST_PREFETCH_AT(p + (size_t)g * (block / FAST_LANES) + (size_t)j * K, PF * sizeof(vec) * K);
            _Pragma("GCC unroll 16") for (int a = 0; a < FAST_NACC; a++) {
                vec prod = p[(size_t)(a / K) * (block / FAST_LANES) + (size_t)j * K + a % K] * xj;
                acc[a] = acc[a] + prod;
            }
        }
        _Pragma("GCC unroll 16") for (int g = 0; g < G; g++) FAST_STORE_BLOCK(vec, out, acc + g * K, b + g, d);
    }
    for (; b < b1; b++) {
        const vec *p = (const vec *)(const void *)(w + (size_t)b * block);
        vec acc[K];
        _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) acc[a] = (vec){0};
        for (int j = 0; j < n; j++) {
            float xj = x[j];
            FAST_PREFETCH_AT(p + (size_t)j * K, PF1 * sizeof(vec) * K);
            _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) {
                vec prod = p[(size_t)j * K + a] * xj;
                acc[a] = acc[a] + prod;
            }
        }
        FAST_STORE_BLOCK(vec, out, acc, b, d);
    }
}

/* scores(att, q, kb, head_size, n, sqrt_head_size): att[t] for t = 0..n-1, from the blocked
 * keys kb of one kv head (block b at kb + b * head_size * FAST_ROWS; lane r of block b is
 * position 16b + r): val = 0; val = val + q[i] * k[i] for i = 0..head_size-1, then
 * val / sqrt_head_size. Lanes past n - 1 are computed and never stored. */
FAST_ATTR static void FAST_KERNEL(scores)(float *att, const float *q, const float *kb, int head_size, int n,
                                          float sqrt_head_size) {
    typedef FAST_KERNEL(vec) vec;
    enum { K = FAST_ROWS / FAST_LANES };
    for (int b = 0; b * FAST_ROWS < n; b++) {
        const vec *k = (const vec *)(const void *)(kb + (size_t)b * (size_t)head_size * FAST_ROWS);
        vec acc[K];
        _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) acc[a] = (vec){0};
        for (int i = 0; i < head_size; i++) {
            float qi = q[i];
            _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) {
                vec prod = k[(size_t)i * K + a] * qi;
                acc[a] = acc[a] + prod;
            }
        }
        float out[FAST_ROWS];
        _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) {
            vec score = acc[a] / sqrt_head_size;
            memcpy(out + a * FAST_LANES, &score, sizeof score);
        }
        int rows = n - b * FAST_ROWS < FAST_ROWS ? n - b * FAST_ROWS : FAST_ROWS;
        memcpy(att + (size_t)b * FAST_ROWS, out, (size_t)rows * sizeof(float));
    }
}
