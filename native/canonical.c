/*
 * planledger's native recogniser and splitter (docs/store.md, "Ingest path: read_csv").
 *
 * recognise: whether an NDJSON line IS the canonical text of a valid event (events.md, Wire
 * format): exactly what src/schema/canonical-match.ts `recogniseCanonicalLine` decides, from the
 * same field lists and cross-field rules, which JavaScript hands over once (`configure`, built by
 * src/store/native-spec.ts). Every key in canonical order, no white space, no other key, every
 * value in its canonical form (money and rates without '+' or superfluous zeros, lower-case
 * UUIDs, real dates, UTC timestamps with 'Z', ids of 1-128 printable ASCII characters without
 * '"' or '\' and without edge spaces), then the kind's cross-field rules. Test:
 * test/store/native.test.ts runs the property tests' corpora through both and compares.
 *
 * normalise: a line that spells an event any other way (key order, white space, absent optional
 * keys, number, UUID and timestamp spellings) is rewritten to the canonical text it stands for,
 * which recognise then checks (canonical_normalise, at the end of this file).
 *
 * split: a recognised line becomes one tab-separated row for DuckDB's CSV reader: the line's
 * number, the envelope's values (payload left out), event_type, plan_id, the payload columns of
 * fct_yearly_events and the payload's text; NULL as \N. A canonical value never holds a tab, a
 * newline or a backslash, so the row needs no quoting.
 *
 * Pure computation on buffers the caller owns: no I/O, no allocation; the tables are set once.
 */
#include "canonical.h"

#include <stdlib.h>
#include <string.h>

enum {
  V_MONEY_POS,
  V_MONEY_NONNEG,
  V_RATE,
  V_RATE_BELOW_ONE,
  V_DATE,
  V_TIMESTAMP,
  V_UUID,
  V_ID,
  V_BOOL,
  V_INT,
  V_ENUM,
  V_CONST,
  V_MAP,
  V_PAYLOAD
};

#define MAX_FIELDS 512
#define MAX_KINDS 32
#define MAX_KIND_FIELDS 24
#define MAX_VALUES 16
#define MAX_RULES 32
#define POOL 16384

typedef struct {
  /* "key": with its quotes and colon, as it appears in the line */
  const char *key;
  int key_len;
  int kind;
  int nullable;
  int64_t min, max;
  int n_values; /* enum values, or the const */
  const char *values[MAX_VALUES];
  int value_len[MAX_VALUES];
  int sub_first, n_sub; /* a map's fields */
  /* when the key is absent (the normaliser): ABSENT_* or the default's JSON text */
  int absent;
  const char *dflt;
  int dflt_len;
} field_t;

enum { ABSENT_REQUIRED, ABSENT_OMIT, ABSENT_DEFAULT };

typedef struct {
  int type; /* R_* */
  int a, b, c; /* field indices in the kind (b: in the envelope for R_EQ_ENV) */
} rule_t;

enum { R_DATE_GE, R_NULL_OR_DATE_GE, R_DEC_GE, R_RATES_LE1, R_EQ_ENV };

typedef struct {
  const char *name;
  int name_len;
  int first, n; /* fields */
  int n_rules;
  rule_t rules[8];
  int plan_id; /* field index of plan_id, or -1 */
  int column[4]; /* field index of each payload column, or -1 */
} kind_t;

static char pool[POOL];
static int pool_used;
static field_t fields[MAX_FIELDS];
static int n_fields;
static kind_t kinds[MAX_KINDS];
static int n_kinds;
static int env_first, env_n, env_payload = -1;
static int configured;

/* ---- values ---- */

static inline int digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* Money: (0|[1-9][0-9]{0,11})(\.[0-9]{0,max_frac-1}[1-9])? ; positive: not zero. */
static int decimal_ok(const uint8_t *s, int64_t n, int max_frac, int positive) {
  int64_t i = 0;
  if (n == 0) return 0;
  if (s[0] == '0') {
    i = 1;
  } else {
    while (i < n && digit(s[i])) i++;
    if (i == 0 || i > 12) return 0;
  }
  int int_zero = s[0] == '0';
  if (i == n) return !(positive && int_zero);
  if (s[i] != '.') return 0;
  int64_t f = i + 1;
  if (n - f < 1 || n - f > max_frac) return 0;
  for (int64_t k = f; k < n; k++)
    if (!digit(s[k])) return 0;
  return s[n - 1] != '0';
}

/* Rate: 1 | 0(\.[0-9]{0,3}[1-9])? */
static int rate_ok(const uint8_t *s, int64_t n, int below_one) {
  if (n == 1 && s[0] == '1') return !below_one;
  if (n == 0 || s[0] != '0') return 0;
  if (n == 1) return 1;
  return decimal_ok(s, n, 4, 0);
}

static int two(const uint8_t *s) { return digit(s[0]) && digit(s[1]) ? (s[0] - '0') * 10 + (s[1] - '0') : -1; }

static int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return d[m - 1];
}

/* YYYY-MM-DD, a real date in 0001-9999 */
static int date_at(const uint8_t *s) {
  if (s[4] != '-' || s[7] != '-') return 0;
  int hi = two(s), lo = two(s + 2), m = two(s + 5), d = two(s + 8);
  if (hi < 0 || lo < 0) return 0;
  int y = hi * 100 + lo;
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* YYYY-MM-DDTHH:MM:SS(.fraction without trailing zero, 1-6 digits)?Z */
static int timestamp_ok(const uint8_t *s, int64_t n) {
  if (n < 20 || !date_at(s) || s[10] != 'T' || s[13] != ':' || s[16] != ':') return 0;
  int hh = two(s + 11), mi = two(s + 14), ss = two(s + 17);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return 0;
  int64_t i = 19;
  if (s[i] == '.') {
    int64_t f = ++i;
    while (i < n && digit(s[i])) i++;
    if (i == f || i - f > 6 || s[i - 1] == '0') return 0;
  }
  return i == n - 1 && s[i] == 'Z';
}

static int uuid_ok(const uint8_t *s, int64_t n) {
  if (n != 36) return 0;
  for (int i = 0; i < 36; i++) {
    uint8_t c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return 0;
    } else if (!digit(c) && !(c >= 'a' && c <= 'f')) {
      return 0;
    }
  }
  return 1;
}

/* A quoted value's text is already printable ASCII without '"' or '\' (scan_string). */
static int id_ok(const uint8_t *s, int64_t n) { return n >= 1 && n <= 128 && s[0] != ' ' && s[n - 1] != ' '; }

static int one_of(const field_t *f, const uint8_t *s, int64_t n) {
  for (int i = 0; i < f->n_values; i++)
    if (f->value_len[i] == n && memcmp(f->values[i], s, (size_t)n) == 0) return 1;
  return 0;
}

/* 1 for the bytes a canonical string may hold: printable ASCII but '"' and '\\' (set by configure). */
static uint8_t plain[256];

static void init_plain(void) {
  for (int c = 0; c < 256; c++) plain[c] = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

/* The end (closing quote) of a string starting after its opening quote, or -1. */
static inline int64_t scan_string(const uint8_t *b, int64_t q, int64_t e) {
  while (q < e && plain[b[q]]) q++;
  return q < e && b[q] == '"' ? q : -1;
}

/* -?[0-9]{1,16} in canonical form (what String(Number(t)) gives back), within [min, max]. */
static int int_ok(const uint8_t *s, int64_t n, const field_t *f) {
  int64_t i = 0;
  int neg = 0;
  if (n > 0 && s[0] == '-') {
    neg = 1;
    i = 1;
  }
  int64_t digits = n - i;
  if (digits < 1 || digits > 16) return 0;
  if (s[i] == '0' && (digits > 1 || neg)) return 0;
  int64_t v = 0;
  for (int64_t k = i; k < n; k++) {
    if (!digit(s[k])) return 0;
    v = v * 10 + (s[k] - '0');
  }
  if (neg) v = -v;
  if ((int64_t)(double)v != v) return 0; /* not exactly a JavaScript number */
  return v >= f->min && v <= f->max;
}

static int scalar_ok(const field_t *f, const uint8_t *s, int64_t n) {
  switch (f->kind) {
    case V_MONEY_POS: return decimal_ok(s, n, 6, 1);
    case V_MONEY_NONNEG: return decimal_ok(s, n, 6, 0);
    case V_RATE: return rate_ok(s, n, 0);
    case V_RATE_BELOW_ONE: return rate_ok(s, n, 1);
    case V_DATE: return n == 10 && date_at(s);
    case V_TIMESTAMP: return timestamp_ok(s, n);
    case V_UUID: return uuid_ok(s, n);
    case V_ID: return id_ok(s, n);
    case V_ENUM:
    case V_CONST: return one_of(f, s, n);
    default: return 0;
  }
}

static int64_t parse_map(const uint8_t *b, int64_t p, int64_t e, const field_t *f);

/*
 * The value of field f at p: its end, or -1. *vs, *ve: the value's text (inside the quotes of a
 * string), vs = -1 for null.
 */
static int64_t parse_value(const uint8_t *b, int64_t p, int64_t e, const field_t *f, int64_t *vs, int64_t *ve) {
  if (p >= e) return -1;
  if (f->nullable && e - p >= 4 && memcmp(b + p, "null", 4) == 0) {
    *vs = *ve = -1;
    return p + 4;
  }
  switch (f->kind) {
    case V_BOOL:
      *vs = p;
      if (e - p >= 4 && memcmp(b + p, "true", 4) == 0) return *ve = p + 4;
      if (e - p >= 5 && memcmp(b + p, "false", 5) == 0) return *ve = p + 5;
      return -1;
    case V_INT: {
      int64_t q = p;
      while (q < e && (digit(b[q]) || b[q] == '-')) q++;
      if (!int_ok(b + p, q - p, f)) return -1;
      *vs = p;
      *ve = q;
      return q;
    }
    case V_MAP:
      *vs = p;
      *ve = parse_map(b, p, e, f);
      return *ve;
    default: {
      if (b[p] != '"') return -1;
      int64_t q = scan_string(b, p + 1, e);
      if (q < 0 || !scalar_ok(f, b + p + 1, q - p - 1)) return -1;
      *vs = p + 1;
      *ve = q;
      return q + 1;
    }
  }
}

/* A map of optional quoted fields without defaults: keys in field order, each at most once. */
static int64_t parse_map(const uint8_t *b, int64_t p, int64_t e, const field_t *f) {
  if (b[p] != '{') return -1;
  p++;
  int next = 0; /* the first sub-field still allowed */
  int first = 1;
  while (p < e && b[p] != '}') {
    if (!first) {
      if (b[p] != ',') return -1;
      p++;
    }
    first = 0;
    int k = next;
    for (; k < f->n_sub; k++) {
      const field_t *s = &fields[f->sub_first + k];
      if (e - p >= s->key_len && memcmp(b + p, s->key, (size_t)s->key_len) == 0) break;
    }
    if (k == f->n_sub) return -1;
    const field_t *s = &fields[f->sub_first + k];
    int64_t vs, ve;
    p = parse_value(b, p + s->key_len, e, s, &vs, &ve);
    if (p < 0 || vs < 0) return -1;
    next = k + 1;
  }
  return p < e ? p + 1 : -1;
}

/* ---- rules (src/schema/rules.ts) ---- */

static int text_cmp(const uint8_t *b, int64_t as, int64_t ae, int64_t bs, int64_t be) {
  int64_t la = ae - as, lb = be - bs;
  int c = memcmp(b + as, b + bs, (size_t)(la < lb ? la : lb));
  if (c != 0) return c;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/* compareDecimalText: integer parts by length, then the texts. */
static int dec_cmp(const uint8_t *b, int64_t as, int64_t ae, int64_t bs, int64_t be) {
  const void *da = memchr(b + as, '.', (size_t)(ae - as));
  const void *db = memchr(b + bs, '.', (size_t)(be - bs));
  int64_t la = da == NULL ? ae - as : (const uint8_t *)da - (b + as);
  int64_t lb = db == NULL ? be - bs : (const uint8_t *)db - (b + bs);
  if (la != lb) return la < lb ? -1 : 1;
  return text_cmp(b, as, ae, bs, be);
}

/* ratesSumAtMostOne: canonical rates (texts of [0, 1], at most 4 places) sum to at most 1. */
static int rates_le_one(const uint8_t *b, const int64_t *s, const int64_t *e, int n) {
  int units = 0, carry = 0, fraction_non_zero = 0;
  for (int place = 4; place >= 1; place--) {
    int column = carry;
    for (int r = 0; r < n; r++) {
      int64_t len = e[r] - s[r];
      column += len > 1 + place ? b[s[r] + 1 + place] - '0' : 0;
    }
    if (column % 10 != 0) fraction_non_zero = 1;
    carry = (column - column % 10) / 10;
  }
  for (int r = 0; r < n; r++)
    if (e[r] - s[r] == 1 && b[s[r]] == '1') units++;
  int whole = units + carry;
  return whole == 0 || (whole == 1 && !fraction_non_zero);
}

static int rules_hold(const uint8_t *b, const kind_t *k, const int64_t *ps, const int64_t *pe, const int64_t *es,
                      const int64_t *ee) {
  for (int i = 0; i < k->n_rules; i++) {
    const rule_t *r = &k->rules[i];
    switch (r->type) {
      case R_DATE_GE:
        if (text_cmp(b, ps[r->a], pe[r->a], ps[r->b], pe[r->b]) < 0) return 0;
        break;
      case R_NULL_OR_DATE_GE:
        if (ps[r->a] >= 0 && text_cmp(b, ps[r->a], pe[r->a], ps[r->b], pe[r->b]) < 0) return 0;
        break;
      case R_DEC_GE:
        if (dec_cmp(b, ps[r->a], pe[r->a], ps[r->b], pe[r->b]) < 0) return 0;
        break;
      case R_RATES_LE1: {
        int64_t s[3] = {ps[r->a], ps[r->b], ps[r->c]}, e[3] = {pe[r->a], pe[r->b], pe[r->c]};
        if (!rates_le_one(b, s, e, 3)) return 0;
        break;
      }
      case R_EQ_ENV:
        if (text_cmp(b, ps[r->a], pe[r->a], es[r->b], ee[r->b]) != 0) return 0;
        break;
      default: return 0;
    }
  }
  return 1;
}

/* ---- a line ---- */

static const char KIND_KEY[] = "{\"event_type\":\"";

/* The fields of an object (kind or envelope) from its '{': the end after '}', or -1. */
static int64_t parse_object(const uint8_t *b, int64_t p, int64_t e, int first, int n, int64_t *vs, int64_t *ve,
                            int64_t *payload_s, int64_t *payload_e, const kind_t **kind, int64_t *ps, int64_t *pe) {
  if (p >= e || b[p] != '{') return -1;
  p++;
  for (int i = 0; i < n; i++) {
    const field_t *f = &fields[first + i];
    if (i > 0) {
      if (p >= e || b[p] != ',') return -1;
      p++;
    }
    if (e - p < f->key_len || memcmp(b + p, f->key, (size_t)f->key_len) != 0) return -1;
    p += f->key_len;
    if (f->kind == V_PAYLOAD) {
      if (e - p < 15 || memcmp(b + p, KIND_KEY, 15) != 0) return -1;
      int64_t ks = p + 15;
      int64_t ke = scan_string(b, ks, e);
      if (ke < 0) return -1;
      const kind_t *k = NULL;
      for (int j = 0; j < n_kinds; j++) {
        if (kinds[j].name_len == ke - ks && memcmp(kinds[j].name, b + ks, (size_t)(ke - ks)) == 0) {
          k = &kinds[j];
          break;
        }
      }
      if (k == NULL) return -1;
      int64_t end = parse_object(b, p, e, k->first, k->n, ps, pe, NULL, NULL, NULL, NULL, NULL);
      if (end < 0) return -1;
      *payload_s = p;
      *payload_e = end;
      *kind = k;
      vs[i] = ve[i] = -1;
      p = end;
    } else {
      p = parse_value(b, p, e, f, &vs[i], &ve[i]);
      if (p < 0) return -1;
    }
  }
  return p < e && b[p] == '}' ? p + 1 : -1;
}

int64_t canonical_line(const uint8_t *b, int64_t s, int64_t e, line_t *out) {
  if (!configured) return -1;
  int64_t es[MAX_KIND_FIELDS], ee[MAX_KIND_FIELDS], ps[MAX_KIND_FIELDS], pe[MAX_KIND_FIELDS];
  int64_t pls = -1, ple = -1;
  const kind_t *k = NULL;
  int64_t end = parse_object(b, s, e, env_first, env_n, es, ee, &pls, &ple, &k, ps, pe);
  if (end != e || k == NULL) return -1;
  if (!rules_hold(b, k, ps, pe, es, ee)) return -1;
  if (out != NULL) {
    out->env_n = env_n;
    for (int i = 0; i < env_n; i++) {
      out->env_s[i] = es[i];
      out->env_e[i] = ee[i];
    }
    out->payload_field = env_payload;
    out->kind_s = ps[0];
    out->kind_e = pe[0];
    out->plan_s = k->plan_id >= 0 ? ps[k->plan_id] : -1;
    out->plan_e = k->plan_id >= 0 ? pe[k->plan_id] : -1;
    for (int c = 0; c < 4; c++) {
      int at = k->column[c];
      out->col_s[c] = at >= 0 ? ps[at] : -1;
      out->col_e[c] = at >= 0 ? pe[at] : -1;
    }
    out->payload_s = pls;
    out->payload_e = ple;
  }
  return ple - pls;
}

/* ---- the tables, from JavaScript (src/store/native-spec.ts) ---- */

static const char *keep(const char *s, size_t n) {
  if (pool_used + (int)n + 1 > POOL) return NULL;
  char *at = pool + pool_used;
  memcpy(at, s, n);
  at[n] = '\0';
  pool_used += (int)n + 1;
  return at;
}

static int kind_code(const char *t) {
  static const char *names[] = {"moneyPos", "moneyNonNeg", "rate", "rateBelowOne", "date", "timestamp", "uuid",
                                "id",       "bool",        "int",  "enum",         "const", "object",   "payload"};
  for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
    if (strcmp(t, names[i]) == 0) return i;
  return -1;
}

static int rule_code(const char *t) {
  if (strcmp(t, "date_ge") == 0) return R_DATE_GE;
  if (strcmp(t, "null_or_date_ge") == 0) return R_NULL_OR_DATE_GE;
  if (strcmp(t, "dec_ge") == 0) return R_DEC_GE;
  if (strcmp(t, "rates_le1") == 0) return R_RATES_LE1;
  if (strcmp(t, "eq_env") == 0) return R_EQ_ENV;
  return -1;
}

/* Split a line of the spec into words (in place); returns the count. */
static int words(char *line, char **w, int max) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " ", &save); t != NULL && n < max; t = strtok_r(NULL, " ", &save)) w[n++] = t;
  return n;
}

static int field_index(int first, int n, const char *key) {
  for (int i = 0; i < n; i++) {
    const field_t *f = &fields[first + i];
    /* f->key is "key": */
    if ((int)strlen(key) == f->key_len - 3 && memcmp(f->key + 1, key, (size_t)(f->key_len - 3)) == 0) return i;
  }
  return -1;
}

/*
 * The spec, one item a line (src/store/native-spec.ts):
 *   scope SCOPE                      -- "envelope", an event kind, or "map KEY" (a map's fields)
 *   field KEY KIND NULLABLE ARG [ABSENT] -- ARG: int "min,max", enum "a|b|c", const value, else "-";
 *                                       ABSENT: "-" required, "~" left out, else the JSON text of
 *                                       the value an absent key stands for (default or null)
 *   rule TYPE A B [C]                -- a cross-field rule of the current kind
 *   column SLOT KEY                  -- payload column SLOT (0-3) is field KEY of the current kind
 * Returns NULL, or what is wrong.
 */
const char *canonical_configure(const char *spec_text) {
  static char buf[65536];
  configured = 0;
  init_plain();
  n_fields = n_kinds = pool_used = 0;
  env_first = env_n = 0;
  env_payload = -1;
  if (strlen(spec_text) >= sizeof buf) return "spec too long";
  strcpy(buf, spec_text);
  kind_t *k = NULL;
  field_t *map = NULL;
  int in_envelope = 0;
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    char *w[8];
    int n = words(line, w, 8);
    if (n == 0) continue;
    if (strcmp(w[0], "scope") == 0 && n == 2 && strcmp(w[1], "envelope") == 0) {
      in_envelope = 1;
      k = NULL;
      map = NULL;
      env_first = n_fields;
    } else if (strcmp(w[0], "scope") == 0 && n == 2) {
      if (n_kinds == MAX_KINDS) return "too many kinds";
      in_envelope = 0;
      map = NULL;
      k = &kinds[n_kinds++];
      memset(k, 0, sizeof *k);
      k->name = keep(w[1], strlen(w[1]));
      k->name_len = (int)strlen(w[1]);
      k->first = n_fields;
      k->plan_id = -1;
      for (int c = 0; c < 4; c++) k->column[c] = -1;
    } else if (strcmp(w[0], "scope") == 0 && n == 3 && strcmp(w[1], "map") == 0) {
      const field_t *owner = NULL;
      int first = k != NULL ? k->first : env_first;
      int count = k != NULL ? k->n : env_n;
      int at = field_index(first, count, w[2]);
      if (at >= 0) owner = &fields[first + at];
      if (owner == NULL || owner->kind != V_MAP) return "map scope of an unknown field";
      map = (field_t *)owner;
      map->sub_first = n_fields;
      map->n_sub = 0;
    } else if (strcmp(w[0], "field") == 0 && (n == 5 || n == 6)) {
      if (n_fields == MAX_FIELDS) return "too many fields";
      field_t *f = &fields[n_fields++];
      memset(f, 0, sizeof *f);
      char key[128];
      if (strlen(w[1]) > 100) return "key too long";
      snprintf(key, sizeof key, "\"%s\":", w[1]);
      f->key = keep(key, strlen(key));
      f->key_len = (int)strlen(key);
      f->kind = kind_code(w[2]);
      if (f->kind < 0) return "unknown value kind";
      f->nullable = strcmp(w[3], "1") == 0;
      /* ABSENT: "-" required (also when not given), "~" left out, else the default's JSON text */
      f->absent = ABSENT_REQUIRED;
      if (n == 6 && strcmp(w[5], "~") == 0) {
        f->absent = ABSENT_OMIT;
      } else if (n == 6 && strcmp(w[5], "-") != 0) {
        f->absent = ABSENT_DEFAULT;
        f->dflt = keep(w[5], strlen(w[5]));
        f->dflt_len = (int)strlen(w[5]);
      }
      if (f->kind == V_INT) {
        char *comma = strchr(w[4], ',');
        if (comma == NULL) return "int without min,max";
        *comma = '\0';
        f->min = strcmp(w[4], "-inf") == 0 ? INT64_MIN : strtoll(w[4], NULL, 10);
        f->max = strcmp(comma + 1, "inf") == 0 ? INT64_MAX : strtoll(comma + 1, NULL, 10);
      } else if (f->kind == V_ENUM || f->kind == V_CONST) {
        char *save2 = NULL;
        for (char *v = strtok_r(w[4], "|", &save2); v != NULL; v = strtok_r(NULL, "|", &save2)) {
          if (f->n_values == MAX_VALUES) return "too many enum values";
          f->values[f->n_values] = keep(v, strlen(v));
          f->value_len[f->n_values++] = (int)strlen(v);
        }
      }
      if (map != NULL) {
        map->n_sub++;
      } else if (k != NULL) {
        if (k->n == MAX_KIND_FIELDS) return "too many fields in a kind";
        if (strcmp(w[1], "plan_id") == 0) k->plan_id = k->n;
        k->n++;
      } else if (in_envelope) {
        if (env_n == MAX_KIND_FIELDS) return "too many envelope fields";
        if (f->kind == V_PAYLOAD) env_payload = env_n;
        env_n++;
      } else {
        return "field outside a scope";
      }
    } else if (strcmp(w[0], "rule") == 0 && n >= 4 && k != NULL) {
      if (k->n_rules == 8) return "too many rules";
      rule_t *r = &k->rules[k->n_rules++];
      r->type = rule_code(w[1]);
      if (r->type < 0) return "unknown rule";
      r->a = field_index(k->first, k->n, w[2]);
      r->b = r->type == R_EQ_ENV ? field_index(env_first, env_n, w[3]) : field_index(k->first, k->n, w[3]);
      r->c = n >= 5 ? field_index(k->first, k->n, w[4]) : 0;
      if (r->a < 0 || r->b < 0 || r->c < 0) return "rule on an unknown field";
      if (r->type == R_RATES_LE1 && n < 5) return "rates_le1 needs three fields";
    } else if (strcmp(w[0], "column") == 0 && n == 3 && k != NULL) {
      int slot = atoi(w[1]);
      if (slot < 0 || slot > 3) return "column slot out of range";
      k->column[slot] = field_index(k->first, k->n, w[2]);
      if (k->column[slot] < 0) return "column of an unknown field";
    } else {
      return "unknown spec line";
    }
  }
  if (env_payload < 0 || n_kinds == 0) return "spec without envelope payload or kinds";
  for (int i = 0; i < n_kinds; i++) {
    const field_t *f0 = &fields[kinds[i].first];
    if (kinds[i].n == 0 || f0->kind != V_CONST || f0->key_len != 13 || memcmp(f0->key, "\"event_type\":", 13) != 0)
      return "a kind whose first field is not the event_type constant";
  }
  configured = 1;
  return NULL;
}

/* ---- normalising: any JSON spelling of an event to its canonical text ----
 *
 * canonical_normalise writes the canonical text (events.md, Wire format) of a line that spells
 * an event some other way: keys in any order, JSON white space anywhere (a CR included), absent
 * optional keys (written as their default or null), money and rates with '+', leading or
 * trailing zeros, UUIDs in upper case, timestamps with 't'/'z' or a +HH:MM offset (the same
 * instant in UTC). It decides nothing: canonical_line then checks the text it wrote, so a line
 * is stored only when its normalised text is the canonical text of a valid event. Anything it
 * does not handle (a string with an escape, a repeated or unknown key, an array, a number that
 * is not a plain integer, a non-ASCII key) gives -1: the line is left to the validator. Mirrors
 * src/schema/scalars.ts (canonDecimal, canonTimestamp, canonUuid); property test:
 * test/ingest/normalise.test.ts compares it with serializeEvent(validateEvent(JSON.parse(line))).
 */

#define MAX_PAIRS 32
#define MAX_DEPTH 4

typedef struct {
  uint8_t *o;
  int64_t n, cap;
  int bad;
} emit_t;

static void emit(emit_t *w, const void *s, int64_t n) {
  if (w->bad || w->n + n > w->cap) {
    w->bad = 1;
    return;
  }
  memcpy(w->o + w->n, s, (size_t)n);
  w->n += n;
}

static void emit_byte(emit_t *w, uint8_t c) { emit(w, &c, 1); }

static inline int64_t json_ws(const uint8_t *b, int64_t p, int64_t e) {
  while (p < e && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) p++;
  return p;
}

/* A string at p without escapes or control bytes: the end after its closing quote, or -1. */
static int64_t plain_string(const uint8_t *b, int64_t p, int64_t e) {
  if (p >= e || b[p] != '"') return -1;
  int64_t q = p + 1;
  while (q < e && b[q] != '"') {
    if (b[q] == '\\' || b[q] < 0x20) return -1;
    q++;
  }
  return q < e ? q + 1 : -1;
}

static inline int literal_byte(uint8_t c) {
  return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.';
}

static int64_t skip_value(const uint8_t *b, int64_t p, int64_t e, int depth);

typedef struct {
  int64_t ks, ke; /* the key, inside its quotes */
  int64_t vs, ve; /* the value's JSON text */
} pair_t;

/* The members of the object at p: the end after its '}', or -1. */
static int64_t object_pairs(const uint8_t *b, int64_t p, int64_t e, pair_t *pairs, int *count, int depth) {
  *count = 0;
  if (depth > MAX_DEPTH || p >= e || b[p] != '{') return -1;
  p = json_ws(b, p + 1, e);
  if (p < e && b[p] == '}') return p + 1;
  for (;;) {
    if (*count == MAX_PAIRS) return -1;
    pair_t *m = &pairs[(*count)++];
    int64_t k = plain_string(b, p, e);
    if (k < 0) return -1;
    m->ks = p + 1;
    m->ke = k - 1;
    p = json_ws(b, k, e);
    if (p >= e || b[p] != ':') return -1;
    p = json_ws(b, p + 1, e);
    m->vs = p;
    p = skip_value(b, p, e, depth + 1);
    if (p < 0) return -1;
    m->ve = p;
    p = json_ws(b, p, e);
    if (p < e && b[p] == ',') {
      p = json_ws(b, p + 1, e);
      continue;
    }
    return p < e && b[p] == '}' ? p + 1 : -1;
  }
}

/* The end of the JSON value at p (strings without escapes, objects, literal tokens), or -1. */
static int64_t skip_value(const uint8_t *b, int64_t p, int64_t e, int depth) {
  if (p >= e) return -1;
  if (b[p] == '"') return plain_string(b, p, e);
  if (b[p] == '{') {
    pair_t pairs[MAX_PAIRS];
    int n;
    return object_pairs(b, p, e, pairs, &n, depth);
  }
  int64_t q = p;
  while (q < e && literal_byte(b[q])) q++;
  return q > p ? q : -1;
}

/* Which member holds each of the n fields from `first` (-1: absent); 0 when a key is unknown or repeated. */
static int match_fields(const uint8_t *b, const pair_t *pairs, int count, int first, int n, int *at) {
  for (int i = 0; i < n; i++) at[i] = -1;
  int next = 0; /* keys mostly come in field order: look there first */
  for (int m = 0; m < count; m++) {
    int64_t len = pairs[m].ke - pairs[m].ks;
    int found = -1;
    for (int k = 0; k < n; k++) {
      int i = (next + k) % n;
      const field_t *f = &fields[first + i];
      if (f->key_len - 3 == len && memcmp(f->key + 1, b + pairs[m].ks, (size_t)len) == 0) {
        found = i;
        break;
      }
    }
    if (found >= 0) next = found + 1;
    if (found < 0 || at[found] >= 0) return 0;
    at[found] = m;
  }
  return 1;
}

/* canonDecimal (scalars.ts): '+'? 1-12 digits ('.' 1-max_frac digits)?, written shortest. */
static int emit_decimal(emit_t *w, const uint8_t *s, int64_t n, int max_frac) {
  int64_t i = n > 0 && s[0] == '+' ? 1 : 0;
  int64_t is = i;
  while (i < n && digit(s[i])) i++;
  int64_t ie = i;
  if (ie == is || ie - is > 12) return 0;
  int64_t fe = -1;
  if (i < n) {
    if (s[i] != '.') return 0;
    int64_t dot = i++;
    fe = dot;
    while (i < n) {
      if (!digit(s[i])) return 0;
      i++;
      if (s[i - 1] != '0') fe = i;
    }
    if (i == dot + 1 || i - dot - 1 > max_frac) return 0;
  }
  int64_t a = is;
  while (a < ie - 1 && s[a] == '0') a++;
  emit(w, s + a, ie - a);
  if (fe > ie + 1) emit(w, s + ie, fe - ie);
  return 1;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t day_number(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static void emit_two(emit_t *w, int v) {
  emit_byte(w, (uint8_t)('0' + v / 10));
  emit_byte(w, (uint8_t)('0' + v % 10));
}

/* canonTimestamp (scalars.ts): the same instant in UTC with 'Z', the fraction without trailing zeros. */
static int emit_timestamp(emit_t *w, const uint8_t *s, int64_t n) {
  if (n < 20 || !date_at(s)) return 0;
  if ((s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return 0;
  int hh = two(s + 11), mi = two(s + 14), ss = two(s + 17);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return 0;
  int64_t i = 19, frac_end = 19;
  if (i < n && s[i] == '.') {
    int64_t start = ++i;
    while (i < n && digit(s[i])) {
      if (s[i] != '0') frac_end = i + 1;
      i++;
    }
    if (i == start || i - start > 6) return 0;
  }
  if (i >= n) return 0;
  int offset = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != n) return 0;
  } else if (s[i] == '+' || s[i] == '-') {
    if (i + 6 != n || s[i + 3] != ':') return 0;
    int oh = two(s + i + 1), om = two(s + i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return 0;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return 0;
  }
  /* minutes since 1970 in UTC (the offset moves it at most a day either way) */
  int64_t utc = day_number(two(s) * 100 + two(s + 2), two(s + 5), two(s + 8)) * 1440 + hh * 60 + mi - offset;
  int64_t day = (utc >= 0 ? utc : utc - 1439) / 1440;
  int minutes = (int)(utc - day * 1440);
  int64_t y;
  int m, d;
  civil(day, &y, &m, &d);
  if (y < 1 || y > 9999) return 0;
  emit_two(w, (int)(y / 100));
  emit_two(w, (int)(y % 100));
  emit_byte(w, '-');
  emit_two(w, m);
  emit_byte(w, '-');
  emit_two(w, d);
  emit_byte(w, 'T');
  emit_two(w, minutes / 60);
  emit_byte(w, ':');
  emit_two(w, minutes % 60);
  emit_byte(w, ':');
  emit(w, s + 17, 2);
  if (frac_end > 20) emit(w, s + 19, frac_end - 19);
  emit_byte(w, 'Z');
  return 1;
}

/* canonUuid (scalars.ts): lower case. */
static int emit_uuid(emit_t *w, const uint8_t *s, int64_t n) {
  if (n != 36) return 0;
  for (int64_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    emit_byte(w, c >= 'A' && c <= 'F' ? (uint8_t)(c + 32) : c);
  }
  return 1;
}

static int emit_object(emit_t *w, const uint8_t *b, int64_t s, int64_t e, int first, int n, int depth);
static int emit_members(emit_t *w, const uint8_t *b, const pair_t *pairs, int count, int first, int n, int depth);

/* The canonical spelling of field f's value b[s, e) (its JSON text); 0 when it cannot say. */
static int emit_value(emit_t *w, const field_t *f, const uint8_t *b, int64_t s, int64_t e, int depth) {
  if (f->kind == V_PAYLOAD) {
    pair_t pairs[MAX_PAIRS];
    int count;
    if (object_pairs(b, s, e, pairs, &count, depth) != e) return 0;
    for (int m = 0; m < count; m++) {
      if (pairs[m].ke - pairs[m].ks != 10 || memcmp(b + pairs[m].ks, "event_type", 10) != 0) continue;
      int64_t vs = pairs[m].vs, ve = pairs[m].ve;
      if (b[vs] != '"') return 0;
      for (int j = 0; j < n_kinds; j++)
        if (kinds[j].name_len == ve - vs - 2 && memcmp(kinds[j].name, b + vs + 1, (size_t)(ve - vs - 2)) == 0)
          return emit_members(w, b, pairs, count, kinds[j].first, kinds[j].n, depth);
      return 0;
    }
    return 0;
  }
  if (f->kind == V_MAP) return emit_object(w, b, s, e, f->sub_first, f->n_sub, depth);
  if (b[s] != '"' || f->kind == V_BOOL || f->kind == V_INT) {
    emit(w, b + s, e - s); /* a literal: canonical_line checks it */
    return 1;
  }
  const uint8_t *t = b + s + 1;
  int64_t n = e - s - 2;
  emit_byte(w, '"');
  int ok = 1;
  switch (f->kind) {
    case V_MONEY_POS:
    case V_MONEY_NONNEG: ok = emit_decimal(w, t, n, 6); break;
    case V_RATE:
    case V_RATE_BELOW_ONE: ok = emit_decimal(w, t, n, 4); break;
    case V_TIMESTAMP: ok = emit_timestamp(w, t, n); break;
    case V_UUID: ok = emit_uuid(w, t, n); break;
    default: emit(w, t, n);
  }
  emit_byte(w, '"');
  return ok;
}

/* The object b[s, e) with the n fields from `first`: keys in field order, absent ones filled in. */
static int emit_object(emit_t *w, const uint8_t *b, int64_t s, int64_t e, int first, int n, int depth) {
  pair_t pairs[MAX_PAIRS];
  int count;
  if (object_pairs(b, s, e, pairs, &count, depth) != e) return 0;
  return emit_members(w, b, pairs, count, first, n, depth);
}

/* An object's members (object_pairs) as the n fields from `first`. */
static int emit_members(emit_t *w, const uint8_t *b, const pair_t *pairs, int count, int first, int n, int depth) {
  int at[MAX_KIND_FIELDS];
  if (n > MAX_KIND_FIELDS || !match_fields(b, pairs, count, first, n, at)) return 0;
  emit_byte(w, '{');
  int written = 0;
  for (int i = 0; i < n; i++) {
    const field_t *f = &fields[first + i];
    if (at[i] < 0 && f->absent == ABSENT_OMIT) continue;
    if (at[i] < 0 && f->absent == ABSENT_REQUIRED) return 0;
    if (written++ > 0) emit_byte(w, ',');
    emit(w, f->key, f->key_len);
    if (at[i] < 0) {
      emit(w, f->dflt, f->dflt_len);
    } else if (!emit_value(w, f, b, pairs[at[i]].vs, pairs[at[i]].ve, depth + 1)) {
      return 0;
    }
  }
  emit_byte(w, '}');
  return !w->bad;
}

int64_t canonical_normalise(const uint8_t *b, int64_t s, int64_t e, uint8_t *out, int64_t cap) {
  if (!configured) return -1;
  s = json_ws(b, s, e);
  while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r')) e--;
  emit_t w = {out, 0, cap, 0};
  if (!emit_object(&w, b, s, e, env_first, env_n, 0)) return -1;
  return w.n;
}
