/* Where the story is inside a plain capture; see conform_capture.h.
 *
 * The rule (docs/conform.md):
 *  1. Lines matching a --strip pattern are removed, and so are lines that are only a
 *     `<s>` or `</s>` marker. In chat mode the prompts of llama2.c's chat loop
 *     (`Enter system prompt (optional): `, `Enter user prompt: `, `User: `, `Assistant: `)
 *     are removed where they start a line: the trace's text does not hold them.
 *  2. The trailer: while the last line holds a timing phrase (`achieved tok/s`, `tok/s`,
 *     `tokens/s`, `tokens per second`, `elapsed`), it is cut from the phrase on, or from
 *     the line's start when only white space precedes the phrase. So a trailer printed
 *     with no newline before it (`...ballachieved tok/s: 512.0`) leaves the story whole.
 *     Then one newline at the end is dropped (the one printed after the last token).
 *  3. The start: --skip-lines or --start-after when given. Otherwise the place where the
 *     longest beginning of the expected text starts, when at least 8 bytes of it match
 *     there, or 3 at the start of a line (or all of a shorter text). What precedes that
 *     place on its line is story too (a leading space, a piece printed otherwise), unless
 *     it is a `<s>` marker or looks like a banner (below).
 *     Otherwise leading lines that look like a banner: a
 *     line starting with a key of one or two words and `:` or `=`, or one with a word like dim, vocab,
 *     layers, heads, model, tokenizer, config, loaded, seed, steps, temperature, llama,
 *     version, error or warning; and empty lines. */
#include "cli/conform_capture.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define ANCHOR_MIN 8
#define ANCHOR_MIN_LINE 3

void capture_rule_init(CaptureRule *r) {
    memset(r, 0, sizeof *r);
    r->skip_lines = -1;
}

void capture_cut_free(CaptureCut *c) {
    str_free(&c->preamble);
    str_free(&c->trailer);
    memset(c, 0, sizeof *c);
}

/* Case-insensitive search in bytes[0..n) for a NUL-terminated needle; the offset or -1. */
static long find_ci(const unsigned char *bytes, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower(bytes[i + k]) == tolower((unsigned char)needle[k])) k++;
        if (k == m) return (long)i;
    }
    return -1;
}

static long find_exact(const unsigned char *bytes, size_t n, const char *needle, int last) {
    size_t m = strlen(needle);
    long found = -1;
    for (size_t i = 0; m > 0 && m <= n && i + m <= n; i++)
        if (memcmp(bytes + i, needle, m) == 0) {
            found = (long)i;
            if (!last) break;
        }
    return found;
}

/* Removes [from, to) from the text. */
static void cut_out(RunText *t, size_t from, size_t to) {
    memmove(t->bytes + from, t->bytes + to, t->len - to);
    t->len -= to - from;
    t->bytes[t->len] = 0;
}

static int is_marker_line(const unsigned char *line, size_t n) {
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    while (n > 0 && (line[0] == ' ' || line[0] == '\t')) line++, n--;
    return (n == 3 && memcmp(line, "<s>", 3) == 0) || (n == 4 && memcmp(line, "</s>", 4) == 0);
}

static const char *const CHAT_PROMPTS[] = {"Enter system prompt (optional): ", "Enter user prompt: ", "User: ",
                                           "Assistant: ", NULL};

/* Chat mode: the chat loop's prompts at the start of a line. */
static void strip_chat_prompts(RunText *t, CaptureCut *cut) {
    for (size_t at = 0; at < t->len;) {
        int removed = 0;
        if (at == 0 || t->bytes[at - 1] == '\n') {
            for (int i = 0; CHAT_PROMPTS[i] != NULL && !removed; i++) {
                size_t n = strlen(CHAT_PROMPTS[i]);
                if (at + n <= t->len && memcmp(t->bytes + at, CHAT_PROMPTS[i], n) == 0) {
                    cut_out(t, at, at + n);
                    cut->chat_prompts++;
                    removed = 1;
                }
            }
        }
        if (removed) continue; /* the next prompt may follow at once */
        while (at < t->len && t->bytes[at] != '\n') at++;
        if (at < t->len) at++;
    }
}

/* Step 1: lines removed anywhere. */
static int strip_lines(RunText *t, const CaptureRule *rule, CaptureCut *cut, Str *error) {
    regex_t re[CAPTURE_MAX_STRIP];
    for (int i = 0; i < rule->n_strip; i++) {
        if (regcomp(&re[i], rule->strip[i], REG_EXTENDED | REG_NOSUB) != 0) {
            for (int k = 0; k < i; k++) regfree(&re[k]);
            str_printf(error, "--strip %s: not a valid (POSIX extended) regular expression", rule->strip[i]);
            return -2;
        }
    }
    char *line = malloc(t->len + 1);
    if (line == NULL) return -1;
    size_t at = 0;
    while (at < t->len) {
        size_t end = at;
        while (end < t->len && t->bytes[end] != '\n') end++;
        size_t next = end < t->len ? end + 1 : end;
        memcpy(line, t->bytes + at, end - at);
        line[end - at] = 0;
        int strip = is_marker_line(t->bytes + at, end - at);
        for (int i = 0; i < rule->n_strip && !strip; i++) strip = regexec(&re[i], line, 0, NULL, 0) == 0;
        if (strip) {
            cut->stripped_lines++;
            cut->stripped_bytes += next - at;
            cut_out(t, at, next);
            if (at == t->len && at > 0 && t->bytes[at - 1] == '\n') {
                /* the last line went: the newline before it was the one after the story */
                t->len--;
                t->bytes[t->len] = 0;
                cut->stripped_bytes++;
            }
        } else {
            at = next;
        }
    }
    free(line);
    for (int i = 0; i < rule->n_strip; i++) regfree(&re[i]);
    return 0;
}

static const char *const TIMING[] = {"achieved tok/s", "tokens per second", "tok/s", "tokens/s", "elapsed", NULL};

/* Step 2: the trailer, moved into cut->trailer. */
static void cut_trailer(RunText *t, CaptureCut *cut) {
    size_t end = t->len;
    for (;;) {
        size_t last = end;
        while (last > 0 && (t->bytes[last - 1] == '\n' || t->bytes[last - 1] == ' ')) last--;
        size_t start = last;
        while (start > 0 && t->bytes[start - 1] != '\n') start--;
        long at = -1;
        for (int i = 0; TIMING[i] != NULL; i++) {
            long found = find_ci(t->bytes + start, last - start, TIMING[i]);
            if (found >= 0 && (at < 0 || found < at)) at = found;
        }
        if (at < 0) break;
        size_t from = start + (size_t)at;
        size_t blank = start;
        while (blank < from && (t->bytes[blank] == ' ' || t->bytes[blank] == '\t')) blank++;
        end = blank == from ? start : from;
        if (end == 0) break;
    }
    if (end == t->len) {
        cut->end_rule = "the end of the capture";
        return;
    }
    cut->end_rule = "before the timing trailer";
    size_t from = end;
    if (from > 0 && t->bytes[from - 1] == '\n') from--; /* the newline after the last token */
    str_bytes(&cut->trailer, t->bytes + from, t->len - from);
    t->len = from;
    t->bytes[t->len] = 0;
}

/* A key of one or two words and then ':' or '=' at the start of the line. */
static int starts_with_key(const unsigned char *line, size_t n) {
    size_t i = 0, words = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t')) i++;
    while (i < n && words < 2) {
        size_t start = i;
        while (i < n && (isalnum(line[i]) || line[i] == '_' || line[i] == '.' || line[i] == '/' || line[i] == '-')) i++;
        if (i == start) return 0;
        words++;
        while (i < n && line[i] == ' ') i++;
        if (i < n && (line[i] == ':' || line[i] == '=')) return 1;
    }
    return 0;
}

static int banner_line(const unsigned char *line, size_t n) {
    static const char *const WORDS[] = {"dim", "vocab", "layers", "heads", "model", "tokenizer", "config",
                                        "loaded", "loading", "seed", "steps", "temperature", "seq_len", "llama",
                                        "version", "error", "warning", NULL};
    if (n == 0) return 1;
    if (starts_with_key(line, n)) return 1;
    for (int w = 0; WORDS[w] != NULL; w++)
        if (find_ci(line, n, WORDS[w]) >= 0) return 1;
    return 0;
}

static int only_blank(const unsigned char *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b[i] != ' ' && b[i] != '\t') return 0;
    return 1;
}

/* Step 3: the start, returned as an offset. */
static size_t story_start(const RunText *t, const RunText *expected, const CaptureRule *rule, CaptureCut *cut) {
    if (rule->skip_lines >= 0) {
        size_t at = 0;
        for (long k = 0; k < rule->skip_lines && at < t->len; k++) {
            while (at < t->len && t->bytes[at] != '\n') at++;
            if (at < t->len) at++;
        }
        cut->start_rule = "after the lines skipped (--skip-lines)";
        return at;
    }
    if (rule->start_after != NULL) {
        long found = find_exact(t->bytes, t->len, rule->start_after, 0);
        cut->start_rule = "after the --start-after text";
        if (found < 0) {
            cut->start_not_found = 1;
            return 0;
        }
        return (size_t)found + strlen(rule->start_after);
    }
    if (expected != NULL && expected->len > 0) {
        size_t best = 0, best_len = 0;
        int found = 0;
        for (size_t p = 0; p < t->len; p++) {
            size_t k = 0;
            while (p + k < t->len && k < expected->len && t->bytes[p + k] == expected->bytes[k]) k++;
            int line_start = p == 0 || t->bytes[p - 1] == '\n';
            size_t need = line_start ? ANCHOR_MIN_LINE : ANCHOR_MIN;
            if (need > expected->len) need = expected->len;
            if (k >= need && (!found || k > best_len)) {
                found = 1;
                best_len = k;
                best = p;
            }
        }
        if (found) {
            /* what precedes it on its line is the story's too (a space after BOS, a piece
             * printed otherwise), unless it is a <s> marker or looks like a banner */
            size_t line = best;
            while (line > 0 && t->bytes[line - 1] != '\n') line--;
            size_t n = best - line;
            const unsigned char *before = t->bytes + line;
            int marker = n >= 3 && memcmp(before, "<s>", 3) == 0;
            for (size_t k = marker ? 3 : 0; k < n && marker; k++) marker = before[k] == ' ';
            if (!marker && !(n > 0 && !only_blank(before, n) && banner_line(before, n))) best = line;
            cut->start_rule = "where the expected text begins";
            return best;
        }
    }
    size_t at = 0;
    while (at < t->len) {
        size_t end = at;
        while (end < t->len && t->bytes[end] != '\n') end++;
        if (!banner_line(t->bytes + at, end - at)) break;
        at = end < t->len ? end + 1 : end;
    }
    cut->start_rule = at > 0 ? "after the banner lines" : "the start of the capture";
    return at;
}

int capture_find_story(RunText *t, const RunText *expected, const CaptureRule *rule, CaptureCut *cut, Str *error) {
    memset(cut, 0, sizeof *cut);
    if (rule->raw) {
        cut->start_rule = "the start of the capture (--raw-capture)";
        cut->end_rule = "the end of the capture";
        return 0;
    }
    int rc = strip_lines(t, rule, cut, error);
    if (rc != 0) return rc;
    if (rule->chat) strip_chat_prompts(t, cut);
    if (rule->end_before != NULL) {
        long found = find_exact(t->bytes, t->len, rule->end_before, 1);
        if (found >= 0) {
            str_bytes(&cut->trailer, t->bytes + found, t->len - (size_t)found);
            t->len = (size_t)found;
            t->bytes[t->len] = 0;
        }
        cut->end_rule = "before the --end-before text";
    } else {
        cut_trailer(t, cut);
    }
    size_t start = story_start(t, expected, rule, cut);
    if (start > 0) {
        str_bytes(&cut->preamble, t->bytes, start);
        cut_out(t, 0, start);
    }
    return cut->preamble.failed || cut->trailer.failed ? -1 : 0;
}
