/*
 * Node-API binding of the native recogniser (canonical.c): configure(spec), recognise(bytes)
 * and canonicalise(bytes) for one line, and split(src, out, first), which recognises (after
 * normalising, for a line spelled otherwise) the whole lines of a chunk and writes each as a
 * tab-separated row for DuckDB's CSV reader (docs/store.md, "Ingest path").
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"

static uint8_t *put(uint8_t *o, const uint8_t *b, int64_t s, int64_t e) {
  if (s < 0) {
    o[0] = '\\';
    o[1] = 'N';
    return o + 2;
  }
  memcpy(o, b + s, (size_t)(e - s));
  return o + (e - s);
}

/* The row of a recognised line: number, envelope values but the payload, event_type, plan_id,
 * the four payload columns, the payload's text. */
static uint8_t *row(uint8_t *o, const uint8_t *b, const line_t *l, int64_t n) {
  char digits[24];
  int nd = 0;
  do {
    digits[nd++] = (char)('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (nd > 0) *o++ = (uint8_t)digits[--nd];
  for (int i = 0; i < l->env_n; i++) {
    if (i == l->payload_field) continue;
    *o++ = '\t';
    o = put(o, b, l->env_s[i], l->env_e[i]);
  }
  *o++ = '\t';
  o = put(o, b, l->kind_s, l->kind_e);
  *o++ = '\t';
  o = put(o, b, l->plan_s, l->plan_e);
  for (int c = 0; c < 4; c++) {
    *o++ = '\t';
    o = put(o, b, l->col_s[c], l->col_e[c]);
  }
  *o++ = '\t';
  o = put(o, b, l->payload_s, l->payload_e);
  *o++ = '\n';
  return o;
}

static int u8(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  void *d;
  if (napi_get_typedarray_info(env, v, &t, len, &d, &ab, &off) != napi_ok || t != napi_uint8_array) return 0;
  *data = (uint8_t *)d;
  return 1;
}

static napi_value num(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

typedef struct {
  const uint8_t *b;
  size_t len;
  uint8_t *o0;
  size_t out_len;
  int64_t first;
  int32_t *rest; /* optional: (line index, start, end) of each line left to the validator */
  size_t rest_cap; /* in triples */
  int64_t r[6]; /* consumed, written, lines, failedAt, payloadChars, rest lines */
} split_job;

/* Room for the canonical text of any line the splitter takes (a longer line fails the segment). */
#define NORMAL_CAP (192 * 1024)

static void run_split(split_job *j) {
  const uint8_t *b = j->b;
  uint8_t *o = j->o0, *o_end = j->o0 + j->out_len;
  int64_t p = 0, lines = 0, failed = -1, chars = 0, end = (int64_t)j->len, rest = 0;
  line_t l;
  uint8_t *normal = NULL; /* a line's canonical text, when it is spelled otherwise */
  while (p < end) {
    const uint8_t *nl = memchr(b + p, '\n', (size_t)(end - p));
    int64_t e = nl == NULL ? end : nl - b;
    if ((int64_t)(o_end - o) < 2 * (e - p) + 64) break;
    const uint8_t *text = b;
    int64_t pc = canonical_line(b, p, e, &l);
    if (pc < 0) {
      if (normal == NULL) normal = (uint8_t *)malloc(NORMAL_CAP);
      int64_t n = normal == NULL ? -1 : canonical_normalise(b, p, e, normal, NORMAL_CAP);
      if (n >= 0) pc = canonical_line(normal, 0, n, &l);
      if (pc >= 0 && (int64_t)(o_end - o) < 2 * n + 64) break;
      text = normal;
    }
    if (pc < 0 && (size_t)rest < j->rest_cap) {
      /* left to the validator: numbered, not split */
      j->rest[3 * rest] = (int32_t)lines;
      j->rest[3 * rest + 1] = (int32_t)p;
      j->rest[3 * rest + 2] = (int32_t)e;
      rest++;
      lines++;
      p = nl == NULL ? end : e + 1;
      continue;
    }
    if (pc < 0) {
      failed = p;
      break;
    }
    chars += pc;
    o = row(o, text, &l, j->first + lines);
    lines++;
    p = nl == NULL ? end : e + 1;
  }
  free(normal);
  j->r[0] = p;
  j->r[1] = o - j->o0;
  j->r[2] = lines;
  j->r[3] = failed;
  j->r[4] = chars;
  j->r[5] = rest;
}

static napi_value result(napi_env env, const split_job *j) {
  napi_value res;
  napi_create_array_with_length(env, 6, &res);
  for (uint32_t i = 0; i < 6; i++) napi_set_element(env, res, i, num(env, j->r[i]));
  return res;
}

static int split_args(napi_env env, napi_callback_info info, split_job *j, napi_value *argv) {
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *b;
  j->rest = NULL;
  j->rest_cap = 0;
  if (argc < 3 || !u8(env, argv[0], &b, &j->len) || !u8(env, argv[1], &j->o0, &j->out_len) ||
      napi_get_value_int64(env, argv[2], &j->first) != napi_ok) {
    napi_throw_type_error(env, NULL, "split(src: Uint8Array, out: Uint8Array, first: number, rest?: Int32Array)");
    return 0;
  }
  if (argc >= 4) {
    napi_valuetype vt;
    napi_typeof(env, argv[3], &vt);
    if (vt != napi_undefined) {
      napi_typedarray_type t;
      napi_value ab;
      size_t off, n;
      void *d;
      if (napi_get_typedarray_info(env, argv[3], &t, &n, &d, &ab, &off) != napi_ok || t != napi_int32_array) {
        napi_throw_type_error(env, NULL, "split: rest must be an Int32Array");
        return 0;
      }
      j->rest = (int32_t *)d;
      j->rest_cap = n / 3;
    }
  }
  j->b = b;
  return 1;
}

/*
 * split(src, out, first, rest?) -> [consumed, written, lines, failedAt, payloadChars, restLines]:
 * recognises and splits the whole lines of src ('\n'-terminated; a last line without one counts)
 * while out has room for the next row (2 × line + 64 bytes). A line that is not canonical and
 * cannot be normalised is written into rest (an Int32Array of (line index, start, end) triples)
 * while it has room, and not split; failedAt: offset in src of the first such line beyond that
 * (-1 when none); the lines before it are split.
 */
static napi_value split(napi_env env, napi_callback_info info) {
  split_job j;
  napi_value argv[4];
  if (!split_args(env, info, &j, argv)) return NULL;
  run_split(&j);
  return result(env, &j);
}

/* splitAsync(src, out, first, rest?): the same on a thread of libuv's pool; a promise of the
 * result. The caller must not touch src, out or rest until it settles (all are held referenced). */
typedef struct {
  split_job j;
  napi_async_work work;
  napi_deferred deferred;
  napi_ref src, out, rest;
} async_split;

static void async_execute(napi_env env, void *data) {
  (void)env;
  run_split(&((async_split *)data)->j);
}

static void async_complete(napi_env env, napi_status status, void *data) {
  async_split *a = (async_split *)data;
  if (status == napi_ok) {
    napi_resolve_deferred(env, a->deferred, result(env, &a->j));
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, "splitAsync failed", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, a->deferred, err);
  }
  napi_delete_reference(env, a->src);
  napi_delete_reference(env, a->out);
  if (a->rest != NULL) napi_delete_reference(env, a->rest);
  napi_delete_async_work(env, a->work);
  free(a);
}

static napi_value split_async(napi_env env, napi_callback_info info) {
  async_split *a = (async_split *)calloc(1, sizeof *a);
  napi_value argv[4];
  if (a == NULL) {
    napi_throw_error(env, NULL, "splitAsync: out of memory");
    return NULL;
  }
  if (!split_args(env, info, &a->j, argv)) {
    free(a);
    return NULL;
  }
  napi_value promise, name;
  napi_create_reference(env, argv[0], 1, &a->src);
  napi_create_reference(env, argv[1], 1, &a->out);
  if (a->j.rest != NULL) napi_create_reference(env, argv[3], 1, &a->rest);
  napi_create_promise(env, &a->deferred, &promise);
  napi_create_string_utf8(env, "planledger.splitAsync", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, async_execute, async_complete, a, &a->work);
  napi_queue_async_work(env, a->work);
  return promise;
}

/* The one Uint8Array argument of a call, or 0 (a TypeError thrown, naming the call). */
static int bytes_arg(napi_env env, napi_callback_info info, uint8_t **b, size_t *len, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !u8(env, argv[0], b, len)) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* countLines(src) -> the number of '\n' bytes in src. */
static napi_value count_lines(napi_env env, napi_callback_info info) {
  uint8_t *b;
  size_t len;
  if (!bytes_arg(env, info, &b, &len, "countLines(src: Uint8Array)")) return NULL;
  int64_t n = 0;
  for (const uint8_t *p = b, *end = b + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) n++;
  return num(env, n);
}

/* recognise(line) -> the payload's length, or -1 (tests compare it with the JavaScript recogniser). */
static napi_value recognise(napi_env env, napi_callback_info info) {
  uint8_t *b;
  size_t len;
  if (!bytes_arg(env, info, &b, &len, "recognise(line: Uint8Array)")) return NULL;
  return num(env, canonical_line(b, 0, (int64_t)len, NULL));
}

/* canonicalise(line) -> the canonical text the splitter stores for the line (itself when it is
 * canonical, else its normalised spelling), or null when the line is left to the validator. */
static napi_value canonicalise(napi_env env, napi_callback_info info) {
  uint8_t *b;
  size_t len;
  if (!bytes_arg(env, info, &b, &len, "canonicalise(line: Uint8Array)")) return NULL;
  napi_value r;
  if (canonical_line(b, 0, (int64_t)len, NULL) >= 0) {
    napi_create_string_latin1(env, (const char *)b, len, &r);
    return r;
  }
  uint8_t *normal = (uint8_t *)malloc(NORMAL_CAP);
  int64_t n = normal == NULL ? -1 : canonical_normalise(b, 0, (int64_t)len, normal, NORMAL_CAP);
  if (n >= 0 && canonical_line(normal, 0, n, NULL) >= 0) {
    napi_create_string_latin1(env, (const char *)normal, (size_t)n, &r);
  } else {
    napi_get_null(env, &r);
  }
  free(normal);
  return r;
}

static napi_value configure(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  static char spec[65536];
  size_t got = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], spec, sizeof spec, &got) != napi_ok) {
    napi_throw_type_error(env, NULL, "configure(spec: string)");
    return NULL;
  }
  if (got >= sizeof spec - 1) {
    napi_throw_error(env, NULL, "configure: spec too long");
    return NULL;
  }
  const char *err = canonical_configure(spec);
  if (err != NULL) napi_throw_error(env, NULL, err);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "split", NAPI_AUTO_LENGTH, split, NULL, &fn);
  napi_set_named_property(env, exports, "split", fn);
  napi_create_function(env, "splitAsync", NAPI_AUTO_LENGTH, split_async, NULL, &fn);
  napi_set_named_property(env, exports, "splitAsync", fn);
  napi_create_function(env, "countLines", NAPI_AUTO_LENGTH, count_lines, NULL, &fn);
  napi_set_named_property(env, exports, "countLines", fn);
  napi_create_function(env, "recognise", NAPI_AUTO_LENGTH, recognise, NULL, &fn);
  napi_set_named_property(env, exports, "recognise", fn);
  napi_create_function(env, "canonicalise", NAPI_AUTO_LENGTH, canonicalise, NULL, &fn);
  napi_set_named_property(env, exports, "canonicalise", fn);
  napi_create_function(env, "configure", NAPI_AUTO_LENGTH, configure, NULL, &fn);
  napi_set_named_property(env, exports, "configure", fn);
  return exports;
}
