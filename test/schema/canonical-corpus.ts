/**
 * Lines for the tests of the canonical-line recognisers (canonical-match.test.ts, the JavaScript
 * one; test/ingest/native.test.ts and normalise.test.ts, the native one): canonical lines of
 * every kind, valid but non-canonical spellings and invalid lines, and random edits of
 * canonical lines.
 */
import fc from 'fast-check';
import {
  EVENT_TYPES,
  exampleEvent,
  mixedCorpus,
  serializeEvent,
  validateLine,
} from '../../src/schema/index.js';

export const canonical = (e: Record<string, unknown>): string => {
  const v = validateLine(JSON.stringify(e), '', 0);
  if (!v.ok) throw new Error('example is not valid');
  return serializeEvent(v.event as never);
};

/** The canonical line of every kind, then `n` lines of a mixed corpus. */
export const canonicalLines = (n: number): string[] => [
  ...EVENT_TYPES.map((k) => canonical(exampleEvent(k))),
  ...mixedCorpus(n).map(canonical),
];

/** Lines neither recogniser may accept: valid but not canonical, or invalid. */
export function notCanonicalLines(): string[] {
  const base = canonical(exampleEvent('contribution'));
  const e = JSON.parse(base) as Record<string, unknown> & { payload: Record<string, unknown> };
  const vesting = canonical(exampleEvent('vesting'));
  return [
    base.replace(/"event_id":"[^"]+"/, '"event_id":"ABCDEF00-0000-4000-8000-000000000000"'),
    base.replace(/"amount":"([^"]+)"/, '"amount":"0$1"'),
    base.replace(/"amount":"([^"]+)"/, '"amount":"$1.0"'),
    base.replace(/"amount":"([^"]+)"/, '"amount":$1'),
    base.replace(/"effective_date":"(\d{4})/, '"effective_date":"1$1'),
    base.replace(/"created_at":"([^"]+)Z"/, '"created_at":"$1+00:00"'),
    base.replace(/"employee_id":"/, '"employee_id":" '),
    base.replace(/"employee_id":"/, '"employee_id":"\u007f'),
    base.replace(/"employee_id":"/, '"employee_id":"\\u0041'),
    base.replace(/"irs_limit_applied":false/, '"irs_limit_applied":"false"'),
    base.replace(/,"inferred_value":false/, ''),
    base.replace(/\{"event_id"/, '{"extra":1,"event_id"'),
    base.replace(/\{"event_id":"[^"]+",/, (m) => `${m}${m.slice(1)}`),
    base.replace(/,"correlation_id":null/, ''),
    base.replace(/"event_type":"contribution"/, '"event_type":"contribution2"'),
    `${base} `,
    ` ${base}`,
    `${base}\r`,
    `\ufeff${base}`,
    base.replace(':', ': '),
    JSON.stringify({ ...e, payload: { ...e.payload, ytd_amount: '0.01', amount: '5' } }),
    canonical(exampleEvent('enrollment')).replace(
      /"pre_tax_contribution_rate":"[^"]+","roth_contribution_rate":"[^"]+"/,
      '"pre_tax_contribution_rate":"0.6","roth_contribution_rate":"0.5"',
    ),
    canonical(exampleEvent('promotion')).replace(/("payload":.*"effective_date":")\d{4}/, '$11999'),
    canonical(exampleEvent('merit')).replace(/"merit_percentage":"[^"]+"/, '"merit_percentage":"1.0"'),
    canonical(exampleEvent('hire')).replace(/"job_level":\d+/, '"job_level":1e0'),
    canonical(exampleEvent('hire')).replace(/"job_level":\d+/, '"job_level":01'),
    canonical(exampleEvent('hire')).replace(/"job_level":\d+/, '"job_level":11'),
    vesting.replace(/"source_balances_vested":\{/, '"source_balances_vested":{"zzz":"1",'),
    vesting.replace(/"source_balances_vested":\{([^}]*)\}/, '"source_balances_vested":{$1,}'),
    vesting.replace(/"source_balances_vested":\{([^}]*)\}/, '"source_balances_vested":{$1,$1}'),
    '{}',
    '[]',
    'null',
    '{"event_id":',
  ];
}

const PIECES = [
  '"',
  '\\',
  ' ',
  '0',
  '1',
  '9',
  'A',
  'a',
  'e',
  '.',
  '-',
  '+',
  ',',
  ':',
  '{',
  '}',
  'null',
  'é',
  '\u007f',
  '\t',
  '\n',
];

/** `numRuns` random edits (a few characters deleted, a few pieces inserted) of canonical lines. */
export function randomEdits(numRuns: number): string[] {
  const bases = canonicalLines(40);
  const edit = fc
    .record({
      base: fc.integer({ min: 0, max: bases.length - 1 }),
      at: fc.nat(),
      del: fc.integer({ min: 0, max: 3 }),
      ins: fc.array(fc.constantFrom(...PIECES), { maxLength: 2 }),
    })
    .map(({ base, at, del, ins }) => {
      const s = bases[base];
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins.join('') + s.slice(i + del);
    });
  return fc.sample(edit, { numRuns, seed: 20261126 });
}
