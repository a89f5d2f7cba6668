/**
 * A participant's history: their events in the contract's order (effective date, then the
 * stored sequence) and their state at the end, derived by the ledger (src/ledger, the one
 * definition of balances and vested fraction). Used by `planledger history`, the ledger and
 * the report.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BUCKETS } from '../ledger/buckets.js';
import { type CensusBase, participantStateAsOf } from '../ledger/index.js';
import { fromDay } from '../schema/dates.js';
import { dec, formatDecimal } from '../schema/decimal.js';
import type { CanonicalEvent } from '../schema/index.js';
import { readEvents } from './read.js';

export interface HistoryOptions {
  scenario?: string;
  /** Show events from this day (the state still counts every earlier event). */
  from?: string;
  /** Show events up to this day; the state is as of its end. */
  to?: string;
}

export interface HistoryState {
  as_of: string;
  employment: {
    status: 'employed' | 'terminated' | 'not yet hired';
    hire_date: string | null;
    termination_date: string | null;
  };
  compensation: string | null;
  job_level: number | null;
  eligibility: { eligible: boolean; since: string | null };
  election: {
    effective_date: string;
    pre_tax_rate: string;
    roth_rate: string;
    after_tax_rate: string;
    auto_enrollment: boolean;
  } | null;
  is_hce: boolean | null;
  balances: Record<string, string>;
  vested_fraction: string;
  vested_balance: string;
  /** The census record (dim_participants), when there is one. */
  census: {
    birth_date: string;
    hire_date: string;
    annual_compensation: string;
    job_level: number;
    department: string;
  } | null;
}

export interface HistoryResult {
  employee_id: string;
  scenario_id: string;
  events: CanonicalEvent[];
  /** Canonical text of each event (same order). */
  texts: string[];
  seqs: bigint[];
  state: HistoryState;
}

export class UnknownEmployeeError extends Error {
  override name = 'UnknownEmployeeError';
  constructor(
    readonly employeeId: string,
    readonly scenario?: string,
  ) {
    super(
      scenario === undefined
        ? `unknown employee ${employeeId}: no event and no census record in any scenario`
        : `unknown employee ${employeeId} in scenario ${scenario}: no event and no census record`,
    );
  }
}

export class AmbiguousScenarioError extends Error {
  override name = 'AmbiguousScenarioError';
  constructor(
    readonly employeeId: string,
    readonly scenarios: string[],
  ) {
    super(
      `employee ${employeeId} is in ${scenarios.length} scenarios (${scenarios.join(', ')}): pass --scenario`,
    );
  }
}

/** The scenario to use for an employee: the given one, or the only one they appear in. */
async function scenarioOf(conn: DuckDBConnection, employeeId: string, scenario?: string): Promise<string> {
  const filter = scenario === undefined ? '' : 'AND scenario_id = $scenario';
  const params: Record<string, string> = { employee: employeeId };
  if (scenario !== undefined) params.scenario = scenario;
  // participant_event_ranges lists everyone with events (kept by every commit).
  const r = await conn.runAndReadAll(
    `SELECT scenario_id FROM (
       SELECT scenario_id FROM participant_event_ranges WHERE employee_id = $employee ${filter}
       UNION SELECT scenario_id FROM dim_participants WHERE employee_id = $employee ${filter}
     ) ORDER BY scenario_id`,
    params,
  );
  const ids = r.getRows().map((row) => String(row[0]));
  if (ids.length === 0) throw new UnknownEmployeeError(employeeId, scenario);
  if (ids.length > 1) throw new AmbiguousScenarioError(employeeId, ids);
  return ids[0];
}

/** The participant's seq range, when they have events. */
async function seqRange(
  conn: DuckDBConnection,
  scenarioId: string,
  employeeId: string,
): Promise<{ seqFrom: bigint; seqTo: bigint } | undefined> {
  const r = await conn.runAndReadAll(
    'SELECT first_seq, last_seq FROM participant_event_ranges WHERE scenario_id = $s AND employee_id = $e',
    { s: scenarioId, e: employeeId },
  );
  const row = r.getRows()[0];
  return row === undefined ? undefined : { seqFrom: row[0] as bigint, seqTo: row[1] as bigint };
}

/** One participant's ordered events and end state. */
export async function history(
  conn: DuckDBConnection,
  employeeId: string,
  opts: HistoryOptions = {},
): Promise<HistoryResult> {
  const scenarioId = await scenarioOf(conn, employeeId, opts.scenario);
  const range = await seqRange(conn, scenarioId, employeeId);
  const all =
    range === undefined
      ? []
      : await readEvents(conn, { scenarioId, employeeId, to: opts.to, order: 'history', ...range });
  const censusRows = (
    await conn.runAndReadAll(
      `SELECT date_diff('day', DATE '1970-01-01', birth_date)::INTEGER, date_diff('day', DATE '1970-01-01', hire_date)::INTEGER,
              annual_compensation::VARCHAR, job_level, department
       FROM dim_participants WHERE scenario_id = $scenario AND employee_id = $employee LIMIT 1`,
      { scenario: scenarioId, employee: employeeId },
    )
  ).getRows();
  const c = censusRows[0];
  const census = c
    ? {
        birth_date: fromDay(Number(c[0])),
        hire_date: fromDay(Number(c[1])),
        annual_compensation: formatDecimal(dec(String(c[2]))),
        job_level: Number(c[3]),
        department: String(c[4]),
      }
    : null;
  const lastYear = await scenarioLastYear(conn, scenarioId);
  const lastEvent = all.length > 0 ? all[all.length - 1].event.effective_date : null;
  const asOf =
    opts.to ?? (lastYear !== null ? `${lastYear}-12-31` : (lastEvent ?? census?.hire_date ?? '9999-12-31'));
  const base: CensusBase | null = census
    ? {
        hireDate: census.hire_date,
        annualCompensation: dec(census.annual_compensation),
        jobLevel: census.job_level,
      }
    : null;
  const s = participantStateAsOf(
    all.map((e) => e.event),
    asOf,
    base,
  );
  const shown = opts.from === undefined ? all : all.filter((e) => e.event.effective_date >= opts.from!);
  const position = s.ledger.position();
  const state: HistoryState = {
    as_of: asOf,
    employment: {
      status: s.employed ? 'employed' : s.terminationDate !== null ? 'terminated' : 'not yet hired',
      hire_date: s.hireDate,
      termination_date: s.terminationDate,
    },
    compensation: s.compensation === null ? null : formatDecimal(s.compensation),
    job_level: s.jobLevel,
    eligibility: { eligible: s.eligibleSince !== null, since: s.eligibleSince },
    election:
      s.election === null
        ? null
        : {
            effective_date: s.election.effectiveDate,
            pre_tax_rate: formatDecimal(s.election.preTax),
            roth_rate: formatDecimal(s.election.roth),
            after_tax_rate: formatDecimal(s.election.afterTax),
            auto_enrollment: s.election.auto,
          },
    is_hce: s.isHce,
    balances: Object.fromEntries(BUCKETS.map((b) => [b, formatDecimal(position.balances[b])])),
    vested_fraction: formatDecimal(position.vestedFraction),
    vested_balance: formatDecimal(position.vestedBalance),
    census,
  };
  return {
    employee_id: employeeId,
    scenario_id: scenarioId,
    events: shown.map((e) => e.event),
    texts: shown.map((e) => e.text),
    seqs: shown.map((e) => e.seq),
    state,
  };
}

async function scenarioLastYear(conn: DuckDBConnection, scenarioId: string): Promise<number | null> {
  const r = await conn.runAndReadAll('SELECT last_year FROM scenarios WHERE scenario_id = $id', {
    id: scenarioId,
  });
  const row = r.getRows()[0];
  return row === undefined || row[0] === null ? null : Number(row[0]);
}
