/* The SIMD kernels of the fast path (host/forward_fast.c), written once and included once
 * per instruction set, so that they have real line numbers in a debugger and in profiles.
 *
 * Before each #include, forward_fast.c defines:
 *   FAST_KERNEL(name)  the kernel's name with the instruction set's suffix (name##_vec4 ...)
 *   FAST_LANES         floats per vector (4, 8, 16); FAST_ROWS (16) must be a multiple
 *   FAST_NACC          matmul accumulators kept in registers (a multiple of FAST_ROWS / FAST_LANES)
 *   FAST_ATTR          the function attribute that enables the instruction set, or nothing
 * and undefines them after. Each lane is an independent IEEE-754 multiply and add in the
 * reference order; no reduction runs across lanes. The vector exp and the softmax and
 * SwiGLU built on it (at the end) need the portable math's internals
 * (engine/portable/internals.h). */

typedef float FAST_KERNEL(vec) __attribute__((vector_size(4 * FAST_LANES)));
typedef int32_t FAST_KERNEL(ivec) __attribute__((vector_size(4 * FAST_LANES)));
typedef uint32_t FAST_KERNEL(uvec) __attribute__((vector_size(4 * FAST_LANES)));

/* matvec(out, x, w, n, b0, b1, d): for the blocks b0..b1-1 of an interleaved (d, n) matrix
 * w, out[i] = sum over j of w[i][j] * x[j] in the reference order (val = 0; val = val +
 * w[i][j] * x[j], j = 0..n-1), for rows i < d. FAST_NACC vector accumulators of FAST_LANES
 * floats: G = FAST_NACC * FAST_LANES / FAST_ROWS blocks side by side, a group, which the
 * layout stores as one stream (for each j, the G blocks' FAST_ROWS floats one after the
 * other: imat_fill in forward_fast.c); then the blocks left over past the last whole group,
 * each stored alone, one at a time. b0 is a multiple of G. */
FAST_ATTR static void FAST_KERNEL(matvec)(float *out, const float *x, const float *w, int n, int b0, int b1, int d) {
    typedef FAST_KERNEL(vec) vec;
    enum {
        K = FAST_ROWS / FAST_LANES, /* vectors per block row */
        G = FAST_NACC / K,          /* blocks side by side */
        PF1 = FAST_PREFETCH_BYTES / (4 * FAST_ROWS)
    };
    const size_t block = (size_t)n * FAST_ROWS; /* floats per block */
    int b = b0;
    for (; b + G <= b1; b += G) {
        /* one stream front to back, which the hardware prefetchers follow on their own:
         * software prefetches here measured slower */
        const vec *p = (const vec *)(const void *)(w + (size_t)b * block);
        vec acc[FAST_NACC];
        _Pragma("GCC unroll 16") for (int a = 0; a < FAST_NACC; a++) acc[a] = (vec){0};
        for (int j = 0; j < n; j++) {
            float xj = x[j];
            _Pragma("GCC unroll 16") for (int a = 0; a < FAST_NACC; a++) {
                vec prod = p[(size_t)j * FAST_NACC + a] * xj;
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

/* 1 if any lane of the mask (lanes 0 or -1) is set; two lanes a word, fewer steps. */
FAST_ATTR static inline int FAST_KERNEL(any)(FAST_KERNEL(ivec) mask) {
    uint64_t pairs[FAST_LANES / 2], any = 0;
    memcpy(pairs, &mask, sizeof pairs);
    for (int w = 0; w < FAST_LANES / 2; w++) any |= pairs[w];
    return any != 0;
}

/* Column c (0: hi, 1: lo) of p_exp2_table's rows j, as bit patterns: one hardware gather
 * of the same 32-bit words with AVX2 and AVX-512 (x86 is little-endian: an entry's low 32
 * bits are its first word), lane by lane elsewhere. */
FAST_ATTR static inline FAST_KERNEL(uvec) FAST_KERNEL(exp2_column)(FAST_KERNEL(ivec) j, int c) {
    typedef FAST_KERNEL(uvec) uvec;
#if FAST_X86_VARIANTS && (FAST_LANES == 8 || FAST_LANES == 16)
    enum { ROW_WORDS = (int)sizeof p_exp2_table[0] / 4, ENTRY_WORDS = (int)sizeof p_exp2_table[0][0] / 4 };
    const int *base = (const int *)(const void *)&p_exp2_table[0][0] + c * ENTRY_WORDS;
#if FAST_LANES == 8
    return (uvec)_mm256_i32gather_epi32(base, (__m256i)(j * ROW_WORDS), 4);
#else
    return (uvec)_mm512_i32gather_epi32((__m512i)(j * ROW_WORDS), base, 4);
#endif
#else
    uvec column;
    for (int l = 0; l < FAST_LANES; l++) column[l] = (uint32_t)p_exp2_table[j[l]][c];
    return column;
#endif
}

/* exp(x) lane by lane, with the bits of p_expf (engine/portable/p_expf.c, p_exp_dd.c with
 * lo = 0): the same IEEE-754 binary32 operations on the same values in the same order, one
 * rounding each, and the same integer arithmetic on k and on v's bit pattern, so every lane
 * that takes this path gets p_exp_dd's bits by construction. The rare lanes take p_expf
 * itself afterwards: NaN, x outside [-104, 89], and results whose exponent field leaves
 * 1..254 (overflow to +inf, subnormal or zero results, which p_exp_dd rounds with the
 * second error term). Their inputs are replaced by +0 first, so that no lane converts an
 * out-of-range float to an integer. */
FAST_ATTR static inline FAST_KERNEL(vec) FAST_KERNEL(exp)(FAST_KERNEL(vec) x) {
    typedef FAST_KERNEL(vec) vec;
    typedef FAST_KERNEL(ivec) ivec;
    typedef FAST_KERNEL(uvec) uvec;
    const vec zero = {0};
    ivec in_range = (x >= P_EXP_UNDER) & (x <= P_EXP_OVER); /* false for NaN */
    vec hi = (vec)((ivec)x & in_range);

    /* k = round(hi 32/ln2); r = rh + rl = hi - k ln2/32 (two_sum of a and 0 - k L3) */
    vec kf = (hi * P_EXP_INVL + P_ROUNDER) - P_ROUNDER;
    ivec k = __builtin_convertvector(kf, ivec);
    vec a = hi - kf * P_EXP_L1;
    a = a - kf * P_EXP_L2;
    vec b = zero - kf * P_EXP_L3;
    vec rh = a + b;
    vec bb = rh - a;
    vec rl = (a - (rh - bb)) + (b - bb);

    /* p = rh + (rl + rh^2 (1/2 + rh (1/6 + rh/24))) */
    vec q = P_EXP_C_1_6 + rh * P_EXP_C_1_24;
    q = P_HALF + rh * q;
    q = (rh * rh) * q;
    vec p = rh + (rl + q);

    /* k = 32 m + j; v = T_hi + (T_lo + T_hi p) */
    k = k + 8192;
    ivec j = k & 31;
    ivec m = (k >> 5) - 256;
    uvec t_hi = FAST_KERNEL(exp2_column)(j, 0), t_lo = FAST_KERNEL(exp2_column)(j, 1);
    vec u = (vec)t_lo + (vec)t_hi * p;
    vec v = (vec)t_hi + u;

    /* 2^m into v's exponent field */
    uvec vb = (uvec)v;
    ivec ev = (ivec)((vb >> 23) & 0xFFu) + m;
    vec y = (vec)((vb & 0x807FFFFFu) | ((uvec)ev << 23));

    ivec rare = ~in_range | (ev >= 255) | (ev < 1);
    if (FAST_KERNEL(any)(rare))
        for (int l = 0; l < FAST_LANES; l++)
            if (rare[l] != 0) y[l] = p_expf(x[l]);
    return y;
}

/* y[i] = exp(x[i]) for i < n (the tests' entry, fast_vector_exp): whole vectors, then the
 * last few lanes padded with zeros. */
FAST_ATTR static void FAST_KERNEL(exp_array)(float *y, const float *x, size_t n) {
    typedef FAST_KERNEL(vec) vec;
    size_t i = 0;
    for (; i + FAST_LANES <= n; i += FAST_LANES) {
        vec v;
        memcpy(&v, x + i, sizeof v);
        v = FAST_KERNEL(exp)(v);
        memcpy(y + i, &v, sizeof v);
    }
    if (i < n) {
        float part[FAST_LANES] = {0};
        vec v;
        memcpy(part, x + i, (n - i) * sizeof(float));
        memcpy(&v, part, sizeof v);
        v = FAST_KERNEL(exp)(v);
        memcpy(y + i, &v, (n - i) * sizeof(float));
    }
}

/* Softmax and SwiGLU give a vector holding a NaN input to the reference kernel itself:
 * IEEE-754 leaves open which NaN a product or sum of two NaNs returns, and compilers
 * commute those operations (clang's vec4 SwiGLU returned the other operand's NaN than its
 * scalar reference). Without NaN inputs every NaN that arises (inf - inf, inf * 0) is the
 * machine's one default NaN, so the order of operands cannot show. */

/* The maximum of x[0..size-1] as kernels.c's softmax finds it (max = x[0], then max = x[i]
 * wherever max < x[i], i = 1.. in order), for x without NaNs: the first element equal to
 * the largest value M. Unless M is a zero, equal means the same bits, so M itself is the
 * answer and may be found in any order: lane by lane with the same rule, then across the
 * lanes and the tail. A zero maximum (+0 or -0, whichever comes first) is left to the
 * scalar loop. *nan is set to 1 if x holds a NaN (the maximum is then not used). */
FAST_ATTR static float FAST_KERNEL(softmax_max)(const float *x, int size, int *nan) {
    typedef FAST_KERNEL(vec) vec;
    typedef FAST_KERNEL(ivec) ivec;
    float best = x[0];
    int i = 1;
    vec m = (vec){0} + best;
    ivec unordered = m != m;
    for (; i + FAST_LANES <= size; i += FAST_LANES) {
        vec v;
        memcpy(&v, x + i, sizeof v);
        ivec greater = m < v;
        m = (vec)(((ivec)v & greater) | ((ivec)m & ~greater));
        unordered |= v != v;
    }
    *nan = FAST_KERNEL(any)(unordered);
    for (int l = 0; l < FAST_LANES; l++)
        if (best < m[l]) best = m[l];
    for (; i < size; i++) {
        if (x[i] != x[i]) *nan = 1;
        if (best < x[i]) best = x[i];
    }
    if (best == 0.0f) { /* which zero: the scalar loop's */
        best = x[0];
        for (i = 1; i < size; i++)
            if (best < x[i]) best = x[i];
    }
    return best;
}

/* x[i] = exp(x[i] - max_val) for i < size, without the sum: in vectors with p_expf (the last
 * one padded with the maximum, its padding lanes not stored), else one call per element. */
FAST_ATTR static void FAST_KERNEL(exp_shifted)(const MathLibrary *math, float *x, int size, float max_val) {
    typedef FAST_KERNEL(vec) vec;
    if (math->exp != p_expf) {
        for (int i = 0; i < size; i++) x[i] = math->exp(x[i] - max_val);
        return;
    }
    int i = 0;
    for (; i + FAST_LANES <= size; i += FAST_LANES) {
        vec v;
        memcpy(&v, x + i, sizeof v);
        v = FAST_KERNEL(exp)(v - max_val);
        memcpy(x + i, &v, sizeof v);
    }
    if (i < size) {
        float part[FAST_LANES];
        vec v;
        for (int l = 0; l < FAST_LANES; l++) part[l] = i + l < size ? x[i + l] : max_val;
        memcpy(&v, part, sizeof v);
        v = FAST_KERNEL(exp)(v - max_val);
        memcpy(x + i, &v, (size_t)(size - i) * sizeof(float));
    }
}

/* softmax_rows(math, x, stride, rows, size): kernels.c's softmax(math, row, size) on each of
 * the rows (row r at x + r * stride, rows <= FAST_SOFTMAX_ROWS): the same maximum, x[i] =
 * exp(x[i] - max), sum = sum + x[i] in order i = 0..size-1, then x[i] = x[i] / sum
 * (elementwise: the same divisions). The exponentials come first and the sums after, four
 * rows at a time: each row's sum is still one add chain in the reference order, but four
 * chains run side by side instead of one (a small model's heads have a few hundred
 * positions, and one chain leaves the adder idle most of the time). A row with a NaN goes
 * to kernels.c's softmax (above). */
FAST_ATTR static void FAST_KERNEL(softmax_rows)(const MathLibrary *math, float *x, size_t stride, int rows,
                                                int size) {
    typedef FAST_KERNEL(vec) vec;
    int reference[FAST_SOFTMAX_ROWS];
    float sum[FAST_SOFTMAX_ROWS];
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * stride;
        float max_val = FAST_KERNEL(softmax_max)(row, size, &reference[r]);
        if (reference[r]) softmax(math, row, size);
        else FAST_KERNEL(exp_shifted)(math, row, size, max_val);
    }
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *x0 = x + (size_t)r * stride, *x1 = x0 + stride, *x2 = x1 + stride, *x3 = x2 + stride;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (int i = 0; i < size; i++) {
            s0 = s0 + x0[i];
            s1 = s1 + x1[i];
            s2 = s2 + x2[i];
            s3 = s3 + x3[i];
        }
        sum[r] = s0, sum[r + 1] = s1, sum[r + 2] = s2, sum[r + 3] = s3;
    }
    for (; r < rows; r++) {
        const float *row = x + (size_t)r * stride;
        float s = 0.0f;
        for (int i = 0; i < size; i++) s = s + row[i];
        sum[r] = s;
    }
    for (r = 0; r < rows; r++) {
        if (reference[r]) continue; /* already divided */
        float *row = x + (size_t)r * stride;
        int i = 0;
        for (; i + FAST_LANES <= size; i += FAST_LANES) {
            vec v;
            memcpy(&v, row + i, sizeof v);
            v = v / sum[r];
            memcpy(row + i, &v, sizeof v);
        }
        for (; i < size; i++) row[i] = row[i] / sum[r];
    }
}

/* hb[0..lanes-1] = (hb * (1 / (1 + exp(-hb)))) * hb2 for one vector of elements (val, gate
 * loaded from them), or by kernels.c's swiglu if one of them is a NaN (above). */
FAST_ATTR static inline void FAST_KERNEL(swiglu_vec)(const MathLibrary *math, float *hb, const float *hb2, int lanes,
                                                     FAST_KERNEL(vec) val, FAST_KERNEL(vec) gate) {
    if (FAST_KERNEL(any)((val != val) | (gate != gate))) {
        swiglu(math, hb, hb2, lanes);
        return;
    }
    val = val * (1.0f / (1.0f + FAST_KERNEL(exp)(-val)));
    val = val * gate;
    memcpy(hb, &val, (size_t)lanes * sizeof(float));
}

/* SwiGLU as kernels.c's swiglu(math, hb, hb2, n): with p_expf in vectors, each element on
 * its own (the last vector padded with zeros, its padding never stored); any other
 * library's exp through the reference kernel, one call per element. */
FAST_ATTR static void FAST_KERNEL(swiglu)(const MathLibrary *math, float *hb, const float *hb2, int n) {
    typedef FAST_KERNEL(vec) vec;
    int i = 0;
    if (math->exp != p_expf) {
        swiglu(math, hb, hb2, n);
        return;
    }
    for (; i + FAST_LANES <= n; i += FAST_LANES) {
        vec val, gate;
        memcpy(&val, hb + i, sizeof val);
        memcpy(&gate, hb2 + i, sizeof gate);
        FAST_KERNEL(swiglu_vec)(math, hb + i, hb2 + i, FAST_LANES, val, gate);
    }
    if (i < n) {
        float part[FAST_LANES] = {0}, part2[FAST_LANES] = {0};
        vec val, gate;
        memcpy(part, hb + i, (size_t)(n - i) * sizeof(float));
        memcpy(part2, hb2 + i, (size_t)(n - i) * sizeof(float));
        memcpy(&val, part, sizeof val);
        memcpy(&gate, part2, sizeof gate);
        FAST_KERNEL(swiglu_vec)(math, hb + i, hb2 + i, n - i, val, gate);
    }
}
