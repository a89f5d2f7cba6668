/**
 * Single mutations of a valid event that break exactly one rule of events.md, with the JSON
 * path where the problem must be reported and whether a JSON Schema validator sees it
 * (`structural`) or only the rules beyond it (real dates, cross-field rules).
 */
import type { EventType } from '../../src/schema/contract.js';
import { fromDay, toDay } from '../../src/schema/dates.js';
import { ENVELOPE_FIELDS, type Field, PAYLOAD_FIELDS } from '../../src/schema/fields.js';

type Obj = Record<string, unknown>;

export interface Mutation {
  name: string;
  path: string;
  structural: boolean;
  apply(event: Obj): void;
}

const BAD_VALUES: Record<string, unknown[]> = {
  moneyPos: [100, '0', '0.000', '-1', '1e3', '1.0000001', '1234567890123', '.5', '5.', '', ' 1', '1,5'],
  moneyNonNeg: [0, '-0.01', '1.1234567', '0001234567890123', 'NaN'],
  rate: [0.5, '1.0001', '0.12345', '2', '-0', '1e-1'],
  rateBelowOne: ['1', '1.0', '0.12345', 1],
  date: ['2025-2-3', '20250203', 20250203, '2025-02-03T00:00:00Z', '2025-02-03 '],
  timestamp: [
    '2025-01-01T00:00:00',
    '2025-01-01T00:00:00.1234567Z',
    '2025-01-01 00:00:00Z',
    '2025-01-01T00:00Z',
    0,
  ],
  uuid: ['not-a-uuid', '3f2504e0-4f89-11d3-9a0c-0305e82c330', '3f2504e04f8911d39a0c0305e82c3301', 7],
  id: ['', ' x', 'x ', '\tx', 'a\u0007b', 'a\u0085b', 'x'.repeat(129), 5, '\u00a0x'],
  bool: ['true', 1, null],
  enum: ['bogus', '', 3, null],
  int: [0, 11, 1.5, '3', -1],
};

/** Values that match the JSON Schema pattern but are not real. */
const UNREAL: Record<string, string[]> = {
  date: ['2023-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '0000-01-01', '2100-02-29'],
  timestamp: [
    '2025-01-01T24:00:00Z',
    '2025-01-01T23:60:00Z',
    '2025-01-01T23:59:60Z',
    '2025-02-29T00:00:00Z',
    '2025-01-01T00:00:00+24:00',
    '9999-12-31T23:00:00-01:00',
    '0001-01-01T00:00:00+00:01',
  ],
};

function fieldMutations(fields: Field[], base: string, kind: EventType | undefined): Mutation[] {
  const out: Mutation[] = [];
  const target = (e: Obj): Obj => (base === '' ? e : (e.payload as Obj));
  for (const f of fields) {
    if (f.kind.t === 'payload' || f.kind.t === 'object') continue;
    const path = `${base}/${f.key}`;
    if (f.required) {
      out.push({
        name: `missing ${path}`,
        path,
        structural: true,
        apply: (e) => {
          delete target(e)[f.key];
        },
      });
    }
    if (f.kind.t === 'const') continue;
    const kindName = f.kind.t;
    for (const v of BAD_VALUES[kindName] ?? []) {
      if (v === null && f.nullable) continue;
      if (
        f.kind.t === 'int' &&
        typeof v === 'number' &&
        Number.isInteger(v) &&
        v >= f.kind.min &&
        v <= f.kind.max
      ) {
        continue;
      }
      out.push({
        name: `${path} = ${JSON.stringify(v)}`,
        path,
        structural: true,
        apply: (e) => {
          target(e)[f.key] = v;
        },
      });
    }
    for (const v of UNREAL[kindName] ?? []) {
      out.push({
        name: `${path} = ${v} (unreal)`,
        path,
        structural: false,
        apply: (e) => {
          target(e)[f.key] = v;
        },
      });
    }
  }
  out.push({
    name: `unknown field in ${base || 'envelope'}`,
    path: `${base}/extra_field`,
    structural: true,
    apply: (e) => {
      target(e).extra_field = 1;
    },
  });
  if (kind === 'vesting') {
    out.push({
      name: 'unknown source balance',
      path: '/payload/source_balances_vested/employee_roth',
      structural: true,
      apply: (e) => {
        ((e.payload as Obj).source_balances_vested as Obj).employee_roth = '1';
      },
    });
    for (const v of [-1, '-1', '1.1234567', null]) {
      out.push({
        name: `source balance ${JSON.stringify(v)}`,
        path: '/payload/source_balances_vested/employer_match',
        structural: true,
        apply: (e) => {
          ((e.payload as Obj).source_balances_vested as Obj).employer_match = v;
        },
      });
    }
    for (const v of [[], null, 'x']) {
      out.push({
        name: `source_balances_vested = ${JSON.stringify(v)}`,
        path: '/payload/source_balances_vested',
        structural: true,
        apply: (e) => {
          (e.payload as Obj).source_balances_vested = v;
        },
      });
    }
  }
  return out;
}

const dayBefore = (d: string): string => fromDay(toDay(d) - 1);
const dayAfter = (d: string): string => fromDay(toDay(d) + 1);

function ruleMutations(kind: EventType, e: Obj): Mutation[] {
  const p = e.payload as Obj;
  const m = (name: string, path: string, apply: (p: Obj) => void): Mutation => ({
    name,
    path,
    structural: false,
    apply: (ev) => apply(ev.payload as Obj),
  });
  const notFirstDay = (d: unknown): boolean => d !== '0001-01-01';
  switch (kind) {
    case 'enrollment':
      return [
        m('rates sum above 1', '/payload', (q) => {
          q.pre_tax_contribution_rate = '1';
          q.roth_contribution_rate = '0.0001';
        }),
        m('rates sum above 1 (after-tax)', '/payload', (q) => {
          q.pre_tax_contribution_rate = '0.5';
          q.roth_contribution_rate = '0.25';
          q.after_tax_contribution_rate = '0.2501';
        }),
        ...(notFirstDay(p.enrollment_date)
          ? [
              m('opt-out before enrollment', '/payload/opt_out_window_expires', (q) => {
                q.opt_out_window_expires = dayBefore(q.enrollment_date as string);
              }),
            ]
          : []),
      ];
    case 'contribution':
      return [
        m('ytd below amount', '/payload/ytd_amount', (q) => {
          q.amount = '100.01';
          q.ytd_amount = '100.009999';
        }),
        ...(notFirstDay(p.pay_period_end)
          ? [
              m('contribution before pay period end', '/payload/contribution_date', (q) => {
                q.contribution_date = dayBefore(q.pay_period_end as string);
              }),
            ]
          : []),
      ];
    case 'vesting':
      return notFirstDay(p.service_computation_date)
        ? [
            m('service period end before computation date', '/payload/service_period_end_date', (q) => {
              q.service_period_end_date = dayBefore(q.service_computation_date as string);
            }),
          ]
        : [];
    case 'promotion':
      return p.effective_date !== '9999-12-31'
        ? [
            m('promotion date differs from envelope', '/payload/effective_date', (q) => {
              q.effective_date = dayAfter(q.effective_date as string);
            }),
          ]
        : [];
    default:
      return [];
  }
}

/** Every single-rule mutation applicable to this valid event. */
export function mutationsFor(event: Obj): Mutation[] {
  const kind = (event.payload as Obj).event_type as EventType;
  return [
    ...fieldMutations(ENVELOPE_FIELDS, '', undefined),
    ...fieldMutations(PAYLOAD_FIELDS[kind], '/payload', kind),
    {
      name: 'unknown event_type',
      path: '/payload/event_type',
      structural: true,
      apply: (e) => {
        (e.payload as Obj).event_type = 'bonus';
      },
    },
    {
      name: 'payload not an object',
      path: '/payload',
      structural: true,
      apply: (e) => {
        e.payload = [1];
      },
    },
    ...ruleMutations(kind, event),
  ];
}
