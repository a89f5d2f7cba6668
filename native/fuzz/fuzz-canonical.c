/*
 * Fuzzer for the native recogniser (native/canonical.c), built with AddressSanitizer and
 * UndefinedBehaviorSanitizer by scripts/fuzz-native.sh (docs/store.md, "Fuzzing the native
 * recogniser"). It links canonical.c directly, configures it with the tables ingest hands it
 * (src/ingest/native-spec.ts) and, for a bounded time, feeds canonical_line:
 *   - random bytes (any byte, or JSON's alphabet), alone or after a seed's head;
 *   - seed lines (real events from `simulate`, the canonical-match corpora) mutated 1-16 times:
 *     bit flips, interesting bytes (NUL, CR, LF, quotes, backslash, braces), UTF-8 edge cases
 *     (overlong, surrogates, above U+10FFFF, truncated, BOM), insertions, deletions, duplicated
 *     ranges, truncations, splices of two seeds (at a random point or where their text agrees),
 *     value swaps between seeds, digit changes and long lines (up to 128 KiB);
 *   - chunks of several such lines split as binding.c's run_split does (offsets s > 0).
 * Every input sits in a heap block of exactly its size, so a read one byte past the line's end
 * is an AddressSanitizer report. A recognised line must also keep the promises binding.c relies
 * on: offsets inside the line, the payload an object, the same answer without `out`, no control
 * byte or backslash in any value written to the row, and the row within 2 × line + 64 bytes.
 *
 * Usage: fuzz-canonical SPEC SEEDS SECONDS [RNG_SEED] [CRASH_DIR] [CORPUS_FILE...]
 * Each seed runs first as it is (the canonical ones must be recognised), then every prefix of
 * it; each CORPUS_FILE (native/fuzz/corpus/) is run next, whole, as one chunk. Any sanitizer report
 * or broken promise: the input is written to CRASH_DIR/crash-<rng>-<n>.bin, printed escaped, and
 * the exit status is non-zero. Prints the count of inputs and lines and the rate at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sanitizer/common_interface_defs.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../canonical.h"

#define MAX_INPUT (1 << 17)
#define MAX_SEEDS 4096

static uint8_t **seeds;
static size_t *seed_len;
static size_t n_seeds;

/* The input being run (for the death callback). */
static const uint8_t *current;
static size_t current_len;
static uint64_t rng_seed, n_inputs;
static const char *crash_dir = ".";

/* The harness frees a block after each input: a small quarantine keeps that cheap (canonical.c
 * allocates nothing, so use-after-free needs no long one). Leaks are still reported. */
const char *__asan_default_options(void) { return "quarantine_size_mb=16:detect_leaks=1"; }
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }

/* ---- random numbers: splitmix64 ---- */

static uint64_t rng_state;

static uint64_t next_u64(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static size_t below(size_t n) { return n == 0 ? 0 : (size_t)(next_u64() % n); }

/* ---- failures ---- */

static void save_current(const char *why) {
  if (current == NULL) {
    fprintf(stderr, "fuzz-native: %s outside any input\n", why);
    return;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/crash-%llu-%llu.bin", crash_dir, (unsigned long long)rng_seed,
           (unsigned long long)n_inputs);
  FILE *f = fopen(path, "wb");
  if (f != NULL) {
    fwrite(current, 1, current_len, f);
    fclose(f);
  }
  fprintf(stderr, "fuzz-native: %s on input %llu (rng seed %llu, %zu bytes), saved to %s\n", why,
          (unsigned long long)n_inputs, (unsigned long long)rng_seed, current_len, f != NULL ? path : "(not saved)");
  fprintf(stderr, "fuzz-native: the input, escaped (first 4096 bytes): \"");
  for (size_t i = 0; i < current_len && i < 4096; i++) {
    uint8_t c = current[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
      fputc(c, stderr);
    else
      fprintf(stderr, "\\x%02x", c);
  }
  fprintf(stderr, "\"\n");
}

static void on_sanitizer_death(void) { save_current("sanitizer report"); }

/* gcc links UBSan's runtime apart from ASan's, so its report ends in abort() (abort_on_error
 * above), not in the death callback: the input is saved here. */
static void on_abort(int sig) {
  save_current("sanitizer report (abort)");
  signal(sig, SIG_DFL);
  raise(sig);
}

static void broken(const char *promise, int64_t s, int64_t e) {
  fprintf(stderr, "fuzz-native: broken promise: %s (line [%lld, %lld))\n", promise, (long long)s, (long long)e);
  save_current("broken promise");
  exit(1);
}

/* ---- the promises of a recognised line (binding.c's row and run_split rely on them) ---- */

/* A value's span: both -1 (null), or inside [lo, hi]; its bytes need no quoting in the row. */
static int64_t span_bytes(const uint8_t *b, int64_t vs, int64_t ve, int64_t lo, int64_t hi, int64_t s, int64_t e) {
  if (vs == -1 && ve == -1) return 2; /* \N */
  if (vs < lo || ve < vs || ve > hi) broken("a value's offsets outside the line or its payload", s, e);
  for (int64_t i = vs; i < ve; i++)
    if (b[i] < 0x20 || b[i] == '\\' || b[i] == 0x7f) broken("a control byte or backslash in a row's value", s, e);
  return ve - vs;
}

static void check_recognised(const uint8_t *b, int64_t s, int64_t e, int64_t r, const line_t *l) {
  if (canonical_line(b, s, e, NULL) != r) broken("a different answer without `out`", s, e);
  if (r != l->payload_e - l->payload_s) broken("the length is not the payload's", s, e);
  if (l->payload_s < s || l->payload_e > e || r < 2) broken("the payload outside the line", s, e);
  if (b[l->payload_s] != '{' || b[l->payload_e - 1] != '}') broken("the payload is not an object", s, e);
  if (l->env_n < 1 || l->env_n > LINE_MAX_ENVELOPE || l->payload_field < 0 || l->payload_field >= l->env_n)
    broken("envelope count or payload field out of range", s, e);
  /* The row binding.c writes: number (<= 20 digits), tab-separated values, newline. */
  int64_t row = 20 + 1;
  for (int i = 0; i < l->env_n; i++)
    if (i != l->payload_field) row += 1 + span_bytes(b, l->env_s[i], l->env_e[i], s, e, s, e);
  if (l->kind_s < 0) broken("no event_type", s, e);
  row += 1 + span_bytes(b, l->kind_s, l->kind_e, l->payload_s, l->payload_e, s, e);
  row += 1 + span_bytes(b, l->plan_s, l->plan_e, l->payload_s, l->payload_e, s, e);
  for (int c = 0; c < 4; c++) row += 1 + span_bytes(b, l->col_s[c], l->col_e[c], l->payload_s, l->payload_e, s, e);
  row += 1 + span_bytes(b, l->payload_s, l->payload_e, s, e, s, e);
  if (row > 2 * (e - s) + 64) broken("the row is longer than run_split's room (2 x line + 64)", s, e);
}

/* ---- normalising (binding.c: a line that is not canonical is rewritten, then checked) ---- */

static uint64_t n_normalised;

/* Into a heap block of exactly `cap` bytes (any write past it is an ASan report); what it wrote
 * must be within cap and, when recognised, keep the recognised line's promises. */
static void normalise_line(const uint8_t *b, int64_t s, int64_t e) {
  int64_t cap = 2 * (e - s) + 64;
  uint8_t *out = malloc((size_t)cap);
  if (out == NULL) abort();
  int64_t n = canonical_normalise(b, s, e, out, cap);
  if (n > cap) broken("normalised text longer than its buffer", s, e);
  if (n >= 0) {
    uint8_t *t = malloc(n == 0 ? 1 : (size_t)n);
    if (t == NULL) abort();
    memcpy(t, out, (size_t)n);
    line_t l;
    int64_t r = canonical_line(t, 0, n, &l);
    if (r >= 0) {
      n_normalised++;
      check_recognised(t, 0, n, r, &l);
    }
    free(t);
  }
  free(out);
}

/* ---- running an input ---- */

static uint64_t n_lines, n_recognised;

/* The chunk in a heap block of exactly its size, its lines split at '\n' as run_split does. */
static void run_chunk(const uint8_t *data, size_t len) {
  uint8_t *b = malloc(len == 0 ? 1 : len);
  if (b == NULL) abort();
  memcpy(b, data, len);
  current = b;
  current_len = len;
  int64_t p = 0, end = (int64_t)len;
  do {
    const uint8_t *nl = p < end ? memchr(b + p, '\n', (size_t)(end - p)) : NULL;
    int64_t e = nl == NULL ? end : nl - b;
    line_t l;
    int64_t r = canonical_line(b, p, e, &l);
    n_lines++;
    if (r >= 0) {
      n_recognised++;
      check_recognised(b, p, e, r, &l);
    } else {
      normalise_line(b, p, e);
    }
    p = nl == NULL ? end : e + 1;
  } while (p < end);
  n_inputs++;
  current = NULL;
  free(b);
}

/* ---- inputs ---- */

static uint8_t buf[MAX_INPUT];
static size_t len;

static const uint8_t INTERESTING[] = {0x00, '\r', '\n', '\t', ' ', '"', '\\', '{', '}', ',', ':', '[', ']', '0',
                                      '9',  '-',  '.',  'e',  'Z', 'T', 0x7f, 0x80, 0xbf, 0xc0, 0xe2, 0xff};

static const char *const TOKENS[] = {
    "null",         "true",         "false",        "\\u0000",      "\\\"",       "\"",
    "\":",          "\",\"",        "{}",           "[]",           "0",          "-0",
    "0.0",          "1e5",          "-1",           "9007199254740993",           "999999999999.999999",
    "1000000000000", "0.00001",     "+00:00",       "2024-02-29",   "2023-02-29", "9999-12-31T23:59:59.999999Z",
    "\r\n",         "\r",           "\n",           " ",            "\xc3\xa9",   "\xe2\x82\xac",
    "\xf0\x9f\x98\x80", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
    "\xf8\x88\x80\x80\x80", "\xe2\x82", "\xf0\x9f",    "\xef\xbb\xbf", "\xff\xfe",   "\x80",
    "\"event_type\":\"", "\"payload\":", "\"plan_id\":", "\"amount\":\"", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "18446744073709551616", "99999999999999999999999",
};
#define N_TOKENS (sizeof TOKENS / sizeof TOKENS[0])

static void insert(size_t at, const uint8_t *src, size_t n) {
  if (at > len) at = len;
  if (len + n > MAX_INPUT) n = MAX_INPUT - len;
  memmove(buf + at + n, buf + at, len - at);
  memcpy(buf + at, src, n);
  len += n;
}

static void erase(size_t at, size_t n) {
  if (at >= len) return;
  if (n > len - at) n = len - at;
  memmove(buf + at, buf + at + n, len - at - n);
  len -= n;
}

/* A random span of a seed: the value inside quotes that starts after a '"' at a random point. */
static int seed_value(const uint8_t **v, size_t *n) {
  size_t k = below(n_seeds);
  const uint8_t *s = seeds[k];
  size_t sl = seed_len[k];
  if (sl < 2) return 0;
  size_t from = below(sl);
  const uint8_t *q = memchr(s + from, '"', sl - from);
  if (q == NULL) return 0;
  const uint8_t *q2 = memchr(q + 1, '"', (size_t)(s + sl - (q + 1)));
  if (q2 == NULL) return 0;
  *v = q + 1;
  *n = (size_t)(q2 - (q + 1));
  return 1;
}

static void mutate_once(void) {
  size_t at = below(len + 1);
  switch (below(15)) {
    case 0: /* bit flip */
      if (len > 0) buf[below(len)] ^= (uint8_t)(1u << below(8));
      break;
    case 1: /* an interesting byte in place */
      if (len > 0) buf[below(len)] = INTERESTING[below(sizeof INTERESTING)];
      break;
    case 2: { /* an interesting byte inserted */
      uint8_t c = INTERESTING[below(sizeof INTERESTING)];
      insert(at, &c, 1);
      break;
    }
    case 3: { /* a token (JSON pieces, numbers, UTF-8 edge cases, line ends) */
      const char *t = TOKENS[below(N_TOKENS)];
      insert(at, (const uint8_t *)t, strlen(t));
      break;
    }
    case 4: /* delete a range */
      erase(at, 1 + below(below(2) ? 4 : 64));
      break;
    case 5: { /* duplicate a range */
      if (len == 0) break;
      size_t from = below(len), n = 1 + below(len - from < 64 ? len - from : 64);
      uint8_t tmp[64];
      memcpy(tmp, buf + from, n);
      insert(at, tmp, n);
      break;
    }
    case 6: /* truncate */
      len = below(len + 1);
      break;
    case 7: { /* splice: our head, another seed's tail from a random point */
      size_t k = below(n_seeds), from = below(seed_len[k] + 1);
      len = at;
      insert(len, seeds[k] + from, seed_len[k] - from);
      break;
    }
    case 8: { /* splice where the texts agree: after 4 equal bytes, the other seed goes on */
      if (at < 4) break;
      size_t k = below(n_seeds);
      const uint8_t *m = memmem(seeds[k], seed_len[k], buf + at - 4, 4);
      if (m == NULL) break;
      size_t from = (size_t)(m - seeds[k]) + 4;
      len = at;
      insert(len, seeds[k] + from, seed_len[k] - from);
      break;
    }
    case 9: { /* a quoted value replaced by another seed's */
      size_t p = below(len + 1);
      const uint8_t *q = p < len ? memchr(buf + p, '"', len - p) : NULL;
      if (q == NULL) break;
      size_t vs = (size_t)(q - buf) + 1;
      const uint8_t *q2 = vs < len ? memchr(buf + vs, '"', len - vs) : NULL;
      const uint8_t *v;
      size_t n;
      if (q2 == NULL || !seed_value(&v, &n)) break;
      uint8_t tmp[512];
      if (n > sizeof tmp) n = sizeof tmp;
      memcpy(tmp, v, n);
      erase(vs, (size_t)(q2 - buf) - vs);
      insert(vs, tmp, n);
      break;
    }
    case 10: /* a digit changed, or digits added next to it (long numbers) */
      for (size_t tries = 0; tries < 16 && len > 0; tries++) {
        size_t i = below(len);
        if (buf[i] < '0' || buf[i] > '9') continue;
        if (below(2)) {
          buf[i] = (uint8_t)('0' + below(10));
        } else {
          uint8_t digits[24];
          size_t n = 1 + below(sizeof digits);
          for (size_t d = 0; d < n; d++) digits[d] = (uint8_t)('0' + below(10));
          insert(i, digits, n);
        }
        break;
      }
      break;
    case 11: { /* a long line: a range repeated, up to 128 KiB */
      if (len == 0) break;
      size_t from = below(len), n = 1 + below(len - from);
      size_t times = 1 + below(below(64) == 0 ? 4096 : below(8) == 0 ? 64 : 8);
      if (times > (MAX_INPUT - len) / n) times = (MAX_INPUT - len) / n;
      if (times == 0) break;
      uint8_t *tmp = malloc(n * times);
      for (size_t t = 0; t < times; t++) memcpy(tmp + t * n, buf + from, n);
      insert(at, tmp, n * times);
      free(tmp);
      break;
    }
    case 12: { /* random bytes inserted */
      uint8_t tmp[16];
      size_t n = 1 + below(sizeof tmp);
      for (size_t i = 0; i < n; i++) tmp[i] = (uint8_t)next_u64();
      insert(at, tmp, n);
      break;
    }
    case 13: /* the last byte dropped (an unclosed object) */
      if (len > 0) len--;
      break;
    default: /* a letter's case flipped */
      for (size_t tries = 0; tries < 16 && len > 0; tries++) {
        size_t i = below(len);
        if ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z') {
          buf[i] ^= 0x20;
          break;
        }
      }
      break;
  }
}

static void random_bytes(void) {
  static const char JSONISH[] = "{}[]\":,0123456789.-+eEZT nultrfasx\\\r\n\t";
  size_t n = below(below(8) == 0 ? 4096 : 300);
  int any = below(2);
  len = 0;
  if (below(3) == 0) { /* after a seed's head */
    size_t k = below(n_seeds);
    insert(0, seeds[k], below(seed_len[k] + 1));
  }
  for (size_t i = 0; i < n && len < MAX_INPUT; i++)
    buf[len++] = any ? (uint8_t)next_u64() : (uint8_t)JSONISH[below(sizeof JSONISH - 1)];
}

static void mutated_seed(void) {
  size_t k = below(n_seeds);
  len = 0;
  insert(0, seeds[k], seed_len[k]);
  size_t rounds = below(8) == 0 ? 1 + below(16) : 1 + below(4);
  for (size_t i = 0; i < rounds; i++) mutate_once();
}

/* One input: a line (random or mutated), an unchanged seed, or a chunk of several. */
static void one_input(void) {
  size_t pick = below(16);
  if (pick < 3) {
    random_bytes();
  } else if (pick < 4) {
    size_t k = below(n_seeds);
    len = 0;
    insert(0, seeds[k], seed_len[k]);
  } else if (pick < 13) {
    mutated_seed();
  } else { /* a chunk: up to 8 lines, mostly seeds, some mutated, maybe a last newline */
    static uint8_t chunk[MAX_INPUT];
    size_t cl = 0, lines = 1 + below(8);
    for (size_t i = 0; i < lines; i++) {
      if (below(3) == 0) {
        mutated_seed();
      } else {
        size_t k = below(n_seeds);
        len = 0;
        insert(0, seeds[k], seed_len[k]);
      }
      if (cl + len + 1 > MAX_INPUT) break;
      memcpy(chunk + cl, buf, len);
      cl += len;
      if (i + 1 < lines || below(2)) chunk[cl++] = '\n';
    }
    run_chunk(chunk, cl);
    return;
  }
  run_chunk(buf, len);
}

/* ---- files ---- */

static uint8_t *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "fuzz-native: cannot read %s: %s\n", path, strerror(errno));
    exit(2);
  }
  size_t cap = 1 << 16, used = 0;
  uint8_t *d = malloc(cap + 1);
  for (size_t got; (got = fread(d + used, 1, cap - used, f)) > 0;) {
    used += got;
    if (used == cap) d = realloc(d, (cap *= 2) + 1);
  }
  fclose(f);
  d[used] = 0;
  *n = used;
  return d;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: fuzz-canonical SPEC SEEDS SECONDS [RNG_SEED] [CRASH_DIR] [CORPUS_FILE...]\n");
    return 2;
  }
  double seconds = atof(argv[3]);
  rng_seed = argc > 4 ? strtoull(argv[4], NULL, 10) : (uint64_t)time(NULL);
  rng_state = rng_seed;
  if (argc > 5) crash_dir = argv[5];
  __sanitizer_set_death_callback(on_sanitizer_death);
  signal(SIGABRT, on_abort);

  size_t n;
  uint8_t *spec = read_file(argv[1], &n);
  const char *err = canonical_configure((const char *)spec);
  free(spec);
  if (err != NULL) {
    fprintf(stderr, "fuzz-native: configure rejected the spec: %s\n", err);
    return 2;
  }
  uint8_t *text = read_file(argv[2], &n);
  seeds = calloc(MAX_SEEDS, sizeof *seeds);
  seed_len = calloc(MAX_SEEDS, sizeof *seed_len);
  for (size_t p = 0; p < n && n_seeds < MAX_SEEDS;) {
    uint8_t *nl = memchr(text + p, '\n', n - p);
    size_t e = nl == NULL ? n : (size_t)(nl - text);
    if (e > p) {
      seeds[n_seeds] = text + p;
      seed_len[n_seeds++] = e - p;
    }
    p = e + 1;
  }
  if (n_seeds == 0) {
    fprintf(stderr, "fuzz-native: no seed lines in %s\n", argv[2]);
    return 2;
  }
  /* The seeds: run as they are; the canonical ones must be recognised. */
  for (size_t k = 0; k < n_seeds; k++) run_chunk(seeds[k], seed_len[k]);
  uint64_t seeds_recognised = n_recognised;
  if (seeds_recognised == 0) {
    fprintf(stderr, "fuzz-native: no seed line is recognised: the spec and the seeds disagree\n");
    return 1;
  }
  /* Every prefix of every seed, each in a block of its size: a read past a line's end shows. */
  uint64_t prefixes = 0;
  for (size_t k = 0; k < n_seeds; k++)
    for (size_t p = 0; p < seed_len[k]; p++, prefixes++) run_chunk(seeds[k], p);
  /* The corpus: inputs kept for what they once found, each run whole. */
  for (int i = 6; i < argc; i++) {
    uint8_t *d = read_file(argv[i], &n);
    run_chunk(d, n);
    free(d);
  }
  uint64_t corpus = argc > 6 ? (uint64_t)(argc - 6) : 0;

  uint64_t before = n_inputs;
  double start = now(), stop = start + seconds, t = start;
  while (t < stop) {
    for (int i = 0; i < 32; i++) one_input();
    t = now();
  }
  double took = t - start;
  printf(
      "fuzz-native: %llu random and mutated inputs in %.1f s under ASan+UBSan, %.0f inputs/s (%llu lines in all, "
      "%llu recognised, %llu more recognised once normalised); %zu seeds (%llu recognised) and their %llu prefixes, %llu corpus files, rng seed %llu; no report\n",
      (unsigned long long)(n_inputs - before), took, (double)(n_inputs - before) / (took > 0 ? took : 1),
      (unsigned long long)n_lines, (unsigned long long)n_recognised, (unsigned long long)n_normalised, n_seeds, (unsigned long long)seeds_recognised,
      (unsigned long long)prefixes, (unsigned long long)corpus, (unsigned long long)rng_seed);
  fflush(stdout);
  free(text);
  free(seeds);
  free(seed_len);
  return 0;
}
