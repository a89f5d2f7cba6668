/** Every payload kind: its canonical form, defaults, and the problems of typical mistakes. */
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../src/schema/contract.js';
import { exampleEvent, mixedCorpus, serializeEvent, validateEvent } from '../../src/schema/index.js';

type Obj = Record<string, unknown>;
const ev = (kind: EventType, payload: Obj = {}, envelope: Obj = {}): Obj => {
  const e = exampleEvent(kind, 1);
  return { ...e, ...envelope, payload: { ...(e.payload as Obj), ...payload } };
};
const problems = (v: unknown) => {
  const r = validateEvent(v);
  return r.ok ? [] : r.problems;
};
const paths = (v: unknown) => problems(v).map((p) => p.path);
const canonical = (v: unknown): Obj => {
  const r = validateEvent(v);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.event as unknown as Obj;
};

describe('every kind', () => {
  it('accepts the example of each kind, a mixed corpus, and writes every field', () => {
    for (const e of mixedCorpus(110)) expect(validateEvent(e).ok).toBe(true);
    for (const k of EVENT_TYPES) {
      const c = canonical(exampleEvent(k, 3));
      expect(Object.keys(c)).toEqual([
        'event_id',
        'employee_id',
        'effective_date',
        'created_at',
        'scenario_id',
        'plan_design_id',
        'source_system',
        'payload',
        'correlation_id',
      ]);
      expect(Object.keys(c.payload as Obj)[0]).toBe('event_type');
      expect(Object.keys(c.payload as Obj)[1]).toBe('plan_id');
    }
  });

  it('fills the defaults of events.md', () => {
    const e = canonical(ev('enrollment', { opt_out_window_expires: undefined, auto_enrollment: undefined }));
    expect(e.payload).toMatchObject({
      after_tax_contribution_rate: '0',
      auto_enrollment: false,
      opt_out_window_expires: null,
    });
    expect(e.correlation_id).toBeNull();
    const c = canonical(ev('contribution'));
    expect(c.payload).toMatchObject({ irs_limit_applied: false, inferred_value: false });
    for (const k of ['hire', 'promotion', 'termination', 'merit'] as const) {
      expect((canonical(ev(k)).payload as Obj).plan_id).toBeNull();
      expect((canonical(ev(k, { plan_id: 'P1' })).payload as Obj).plan_id).toBe('P1');
      expect(paths(ev(k, { plan_id: '' }))).toEqual(['/payload/plan_id']);
    }
  });

  it('requires plan_id on the seven plan kinds', () => {
    const planKinds = [
      'eligibility',
      'enrollment',
      'contribution',
      'vesting',
      'forfeiture',
      'hce_status',
      'compliance',
    ] as const;
    for (const k of planKinds) {
      const e = ev(k);
      delete (e.payload as Obj).plan_id;
      expect(paths(e), k).toEqual(['/payload/plan_id']);
      expect(paths(ev(k, { plan_id: null })), k).toEqual(['/payload/plan_id']);
    }
  });

  it('canonicalises money, rates, timestamps and UUIDs', () => {
    const e = canonical(
      ev(
        'contribution',
        { amount: '+0001234.500000', ytd_amount: '1234.50' },
        { event_id: '3F2504E0-4F89-11D3-9A0C-0305E82C3301', created_at: '2025-03-14t07:30:00.500+05:30' },
      ),
    );
    expect(e.event_id).toBe('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    expect(e.created_at).toBe('2025-03-14T02:00:00.5Z');
    expect((e.payload as Obj).amount).toBe('1234.5');
    expect((e.payload as Obj).ytd_amount).toBe('1234.5');
    const m = canonical(ev('merit', { merit_percentage: '0.0350', new_compensation: '87550.50' }));
    expect(m.payload).toMatchObject({ merit_percentage: '0.035', new_compensation: '87550.5' });
    expect((canonical(ev('merit', { merit_percentage: '+001.0000' })).payload as Obj).merit_percentage).toBe(
      '1',
    );
    expect(
      (canonical(ev('hce_status', { ytd_compensation: '0.000000' })).payload as Obj).ytd_compensation,
    ).toBe('0');
    const text = serializeEvent(canonical(exampleEvent('merit', 1)) as never);
    expect(text).not.toMatch(/\s/);
  });

  it('serializes an event built in any key order with defaults filled', () => {
    const built = {
      payload: { merit_percentage: '0.03', new_compensation: '1', event_type: 'merit' },
    } as Obj;
    Object.assign(built, exampleEvent('merit', 0), { payload: built.payload });
    const reversed = Object.fromEntries(Object.entries(built).reverse());
    const text = serializeEvent(reversed as never);
    expect(text).toBe(serializeEvent(canonical(built) as never));
    expect(text.indexOf('"event_id"')).toBe(1);
    expect(text).toContain('"plan_id":null');
    expect(text.endsWith('"correlation_id":null}')).toBe(true);
    const vest = exampleEvent('vesting', 2);
    (vest.payload as Obj).source_balances_vested = { employer_profit_sharing: '1', employer_match: '2' };
    expect(serializeEvent(vest as never)).toContain('{"employer_match":"2","employer_profit_sharing":"1"}');
  });
});

describe('identity of the result', () => {
  it('returns an already-canonical input itself, and never changes a non-canonical one', () => {
    const canon = canonical(exampleEvent('contribution', 4));
    const again = validateEvent(canon);
    expect(again.ok && again.event).toBe(canon);
    const wire = ev('contribution', { amount: '+1.50', ytd_amount: '2' });
    const before = JSON.stringify(wire);
    const r = canonical(wire);
    expect(r).not.toBe(wire);
    expect(JSON.stringify(wire)).toBe(before);
    expect((r.payload as Obj).amount).toBe('1.5');
    const reordered = { ...canon, employee_id: canon.employee_id };
    delete (reordered as Obj).event_id;
    (reordered as Obj).event_id = canon.event_id; // same values, keys out of order: rebuilt in order
    const out = canonical(reordered);
    expect(out).not.toBe(reordered);
    expect(Object.keys(out)[0]).toBe('event_id');
  });
});

describe('typical mistakes', () => {
  it('money as a JSON number, with too many places or digits, negative, exponent', () => {
    expect(paths(ev('hire', { annual_compensation: 85000 }))).toEqual(['/payload/annual_compensation']);
    for (const bad of ['1.0000001', '1000000000000', '-1', '1e5', '0', '0.0', '', '1.', '.1', '1 ', '١']) {
      expect(paths(ev('hire', { annual_compensation: bad })), bad).toEqual(['/payload/annual_compensation']);
    }
    for (const good of ['999999999999.999999', '0.000001', '000000000001', '+1']) {
      expect(validateEvent(ev('hire', { annual_compensation: good })).ok, good).toBe(true);
    }
    expect(validateEvent(ev('compliance', { current_amount: '0' })).ok).toBe(true);
    expect(paths(ev('compliance', { applicable_limit: '0' }))).toEqual(['/payload/applicable_limit']);
  });

  it('rates: at most 4 places, within [0, 1]', () => {
    for (const good of ['0', '1', '1.0000', '0.9999', '+0.5', '000000000001']) {
      expect(validateEvent(ev('merit', { merit_percentage: good })).ok, good).toBe(true);
    }
    for (const bad of ['1.0001', '0.00001', '2', '-0', '0.5e0', 0.5, '0000000000001']) {
      expect(paths(ev('merit', { merit_percentage: bad })), String(bad)).toEqual([
        '/payload/merit_percentage',
      ]);
    }
  });

  it('dates: 29 February only in leap years, real months and days', () => {
    expect(validateEvent(ev('hire', { hire_date: '2024-02-29' })).ok).toBe(true);
    expect(validateEvent(ev('hire', { hire_date: '2000-02-29' })).ok).toBe(true);
    for (const bad of [
      '2025-02-29',
      '1900-02-29',
      '2025-04-31',
      '2025-00-01',
      '2025-13-01',
      '0000-01-01',
      '2025-1-01',
    ]) {
      const p = problems(ev('hire', { hire_date: bad }));
      expect(
        p.map((x) => x.path),
        bad,
      ).toEqual(['/payload/hire_date']);
    }
    expect(problems(ev('hire', { hire_date: '2025-02-29' }))[0].expected).toContain('real calendar date');
    expect(validateEvent(ev('hire', { hire_date: '0001-01-01' })).ok).toBe(true);
    expect(validateEvent(ev('hire', { hire_date: '9999-12-31' })).ok).toBe(true);
  });

  it('timestamps: zone required, real time, at most microseconds, canonical UTC', () => {
    const at = (t: string) => validateEvent(ev('merit', {}, { created_at: t }));
    const canon = (t: string) => {
      const r = at(t);
      return r.ok ? r.event.created_at : r.problems[0].expected;
    };
    expect(canon('2025-03-14T12:00:00Z')).toBe('2025-03-14T12:00:00Z');
    expect(canon('2025-03-14T12:00:00.000000Z')).toBe('2025-03-14T12:00:00Z');
    expect(canon('2025-03-14T12:00:00.123400+00:00')).toBe('2025-03-14T12:00:00.1234Z');
    expect(canon('2025-01-01T00:30:00+01:00')).toBe('2024-12-31T23:30:00Z');
    expect(canon('2024-12-31T23:30:00-01:00')).toBe('2025-01-01T00:30:00Z');
    expect(canon('2024-02-28T23:00:00-01:00')).toBe('2024-02-29T00:00:00Z');
    for (const bad of [
      '2025-03-14T12:00:00',
      '2025-03-14 12:00:00Z',
      '2025-03-14T12:00:00.1234567Z',
      '2025-03-14T12:00Z',
    ]) {
      expect(at(bad).ok, bad).toBe(false);
    }
    for (const bad of [
      '2025-03-14T24:00:00Z',
      '2025-03-14T12:60:00Z',
      '2025-03-14T12:00:60Z',
      '2025-02-29T00:00:00Z',
    ]) {
      expect(canon(bad), bad).toContain('real RFC 3339');
    }
    expect(canon('9999-12-31T23:59:59.999999Z')).toBe('9999-12-31T23:59:59.999999Z');
    expect(canon('9999-12-31T23:59:59-00:01')).toContain('real RFC 3339');
  });

  it('ids: empty, padded, control characters, 128 code points', () => {
    for (const bad of [
      '',
      ' ',
      ' E1',
      'E1 ',
      'E\u00001',
      'E\u007f',
      'E\u0085',
      '\u00a0E',
      'E\u3000',
      'x'.repeat(129),
    ]) {
      expect(paths(ev('merit', {}, { employee_id: bad })), JSON.stringify(bad)).toEqual(['/employee_id']);
    }
    for (const good of ['E 1', 'x'.repeat(128), '😀'.repeat(128), 'é', '\ud800']) {
      expect(validateEvent(ev('merit', {}, { employee_id: good })).ok, good.slice(0, 5)).toBe(true);
    }
    expect(paths(ev('merit', {}, { employee_id: '😀'.repeat(129) }))).toEqual(['/employee_id']);
  });

  it('unknown fields at every level, wrong kinds, missing payload', () => {
    expect(paths({ ...ev('merit'), extra: 1 })).toEqual(['/extra']);
    expect(paths(ev('merit', { extra: 1 }))).toEqual(['/payload/extra']);
    expect(paths(ev('vesting', { source_balances_vested: { employee_roth: '1' } }))).toEqual([
      '/payload/source_balances_vested/employee_roth',
    ]);
    expect(paths(ev('merit', { 'a/b~c': 1 }))).toEqual(['/payload/a~1b~0c']);
    expect(paths(ev('merit', { event_type: 'bonus' }))).toEqual(['/payload/event_type']);
    expect(paths(ev('merit', { event_type: 5 }))).toEqual(['/payload/event_type']);
    expect(paths(ev('merit', { event_type: 'hire' }))).toEqual([
      '/payload/new_compensation',
      '/payload/merit_percentage',
      '/payload/hire_date',
      '/payload/department',
      '/payload/job_level',
      '/payload/annual_compensation',
    ]);
    const noPayload = ev('merit');
    delete noPayload.payload;
    expect(paths(noPayload)).toEqual(['/payload']);
    expect(paths({ ...ev('merit'), payload: 'x' })).toEqual(['/payload']);
    expect(paths({ ...ev('merit'), payload: null })).toEqual(['/payload']);
    expect(paths([])).toEqual(['']);
    expect(paths(null)).toEqual(['']);
    expect(paths({})).toHaveLength(8);
  });

  it('reports every problem of an event, with expected and found cut to 80 characters', () => {
    const p = problems({
      ...ev('contribution', { amount: 5, ytd_amount: '-1', payroll_id: 'x'.repeat(200) }),
      event_id: 'x',
    });
    expect(p.map((x) => x.path)).toEqual([
      '/event_id',
      '/payload/amount',
      '/payload/ytd_amount',
      '/payload/payroll_id',
    ]);
    expect(p[1]).toEqual({ path: '/payload/amount', expected: 'money > 0 (decimal string)', found: '5' });
    expect(p[3].found).toHaveLength(80);
    expect(p[3].found.endsWith('…')).toBe(true);
  });

  it('integers, enums and booleans', () => {
    expect(paths(ev('hire', { job_level: 11 }))).toEqual(['/payload/job_level']);
    expect(paths(ev('hire', { job_level: 0 }))).toEqual(['/payload/job_level']);
    expect(paths(ev('hire', { job_level: 2.5 }))).toEqual(['/payload/job_level']);
    expect(validateEvent(ev('hire', { job_level: 10 })).ok).toBe(true);
    expect(paths(ev('vesting', { service_credited_hours: -1 }))).toEqual(['/payload/service_credited_hours']);
    expect(validateEvent(ev('vesting', { service_credited_hours: 0 })).ok).toBe(true);
    expect(paths(ev('termination', { termination_reason: 'fired' }))).toEqual([
      '/payload/termination_reason',
    ]);
    expect(paths(ev('eligibility', { eligible: 'yes' }))).toEqual(['/payload/eligible']);
    expect(validateEvent(ev('hce_status', { prior_year_hce: true })).ok).toBe(true);
    expect(paths(ev('hce_status', { prior_year_hce: undefined }))).toEqual(['/payload/prior_year_hce']);
    expect(paths(ev('forfeiture', { vested_percentage: '1' }))).toEqual(['/payload/vested_percentage']);
    expect(validateEvent(ev('forfeiture', { vested_percentage: '0.9999' })).ok).toBe(true);
  });

  it('looks at JS values as JSON would carry them', () => {
    const withUndefined = { ...ev('merit'), correlation_id: undefined };
    expect(validateEvent(withUndefined).ok).toBe(true);
    expect(paths({ ...ev('merit'), correlation_id: 1n })).toEqual(['']);
    const cyclic: Obj = ev('merit');
    cyclic.self = cyclic;
    expect(paths(cyclic)).toEqual(['']);
    const throwing = Object.defineProperty(ev('merit'), 'employee_id', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(paths(throwing)).toEqual(['']);
    expect(paths(undefined)).toEqual(['']);
    expect(paths(() => 1)).toEqual(['']);
  });
});
