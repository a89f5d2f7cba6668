/* planledger's native recogniser (canonical.c): see there. */
#ifndef PLANLEDGER_CANONICAL_H
#define PLANLEDGER_CANONICAL_H
#include <stdint.h>
#include <stdio.h>

#define LINE_MAX_ENVELOPE 24

/* Where a recognised line's values are (offsets in the buffer; -1 = null). */
typedef struct {
  int env_n;
  int payload_field; /* the envelope field that is the payload */
  int64_t env_s[LINE_MAX_ENVELOPE], env_e[LINE_MAX_ENVELOPE];
  int64_t kind_s, kind_e, plan_s, plan_e;
  int64_t col_s[4], col_e[4];
  int64_t payload_s, payload_e;
} line_t;

/* Set the field lists and rules (src/store/native-spec.ts); NULL, or what is wrong. */
const char *canonical_configure(const char *spec);

/* The payload text's length when b[s, e) is the canonical text of a valid event, else -1. */
int64_t canonical_line(const uint8_t *b, int64_t s, int64_t e, line_t *out);

/*
 * Write into out (cap bytes) the canonical spelling of the event b[s, e) spells some other way
 * (key order, white space, absent optional keys, number, UUID and timestamp spellings): its
 * length, or -1 when the line is left to the validator. canonical_line decides whether it is valid.
 */
int64_t canonical_normalise(const uint8_t *b, int64_t s, int64_t e, uint8_t *out, int64_t cap);

#endif
