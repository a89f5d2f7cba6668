/**
 * Which scenario, and which plan of a participant, a balance question is about, when the user
 * leaves them out: the only one there is, or a clear error listing the choices.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { isPendingScenarioId } from '../store/scenario-runs.js';
import { READABLE_STATUSES, requireReadableScenario } from '../store/scenarios.js';
import { type Participant, runPrepared, seqRange } from './query.js';
import { PLAN_EVENT_FILTER } from './sql.js';
import { rows, toBigInt } from './values.js';

/** The question cannot be answered as asked (exit 2): names what to pass. */
export class AmbiguousQuery extends Error {
  override name = 'AmbiguousQuery';
}

/** The employee is not in the scenario (exit 1). */
export class UnknownParticipant extends Error {
  override name = 'UnknownParticipant';
}

const list = (values: string[]) => values.slice(0, 10).join(', ') + (values.length > 10 ? ', …' : '');

/**
 * The scenarios with events: read from participant_event_ranges (one row per participant, kept
 * by the store's writer) rather than from the events, whose scan costs hundreds of milliseconds
 * on a large store; from the events when the store has no ranges.
 */
async function scenariosWithEvents(conn: DuckDBConnection): Promise<string[]> {
  const names = (sql: string) => rows(conn, sql).then((r) => r.map((x) => String(x.scenario_id)));
  let all: string[] = [];
  try {
    all = await names('SELECT DISTINCT scenario_id FROM participant_event_ranges ORDER BY 1');
  } catch {
    // a store without the table
  }
  return all.length > 0 ? all : names('SELECT DISTINCT scenario_id FROM fct_yearly_events ORDER BY 1');
}

/**
 * The scenario asked about, or the store's only one (pending runs are not scenarios); it must be
 * complete unless `allowIncomplete` (docs/store.md, "Reading a scenario").
 */
export async function resolveScenario(
  conn: DuckDBConnection,
  scenario: string | undefined,
  opts: { allowIncomplete?: boolean } = {},
): Promise<string> {
  const chosen = await chooseScenario(conn, scenario);
  await requireReadableScenario(conn, chosen, opts);
  return chosen;
}

async function chooseScenario(conn: DuckDBConnection, scenario: string | undefined): Promise<string> {
  const all = (await scenariosWithEvents(conn)).filter((id) => id === scenario || !isPendingScenarioId(id));
  if (scenario !== undefined) {
    if (!all.includes(scenario)) {
      await requireReadableScenario(conn, scenario); // unknown: exit 2 naming the scenarios
      throw new AmbiguousQuery(
        `no events of scenario ${scenario} in the store${all.length ? ` (scenarios: ${list(all)})` : ''}`,
      );
    }
    return scenario;
  }
  if (all.length === 0) throw new AmbiguousQuery('the store holds no events');
  if (all.length > 1)
    throw new AmbiguousQuery(`the store holds several scenarios (${list(all)}): pass --scenario`);
  return all[0];
}

/**
 * The participant's plan: the given one, or the only plan of their plan events (else the
 * scenario's only plan). Their events are found by their seq range (participant_event_ranges,
 * through its employee_id index), so that only their row groups are read.
 */
export async function resolvePlan(
  conn: DuckDBConnection,
  scenario: string,
  employee: string,
  plan: string | undefined,
): Promise<string> {
  const range = await seqRange(conn, { scenario_id: scenario, employee_id: employee });
  const inRange = range === null ? '' : `AND seq BETWEEN ${range.from} AND ${range.to}`;
  const known =
    range !== null ||
    (
      await rows(
        conn,
        `SELECT (SELECT count(*) FROM fct_yearly_events WHERE scenario_id = $s AND employee_id = $e) AS n`,
        { s: scenario, e: employee },
      )
    )[0].n !== 0n;
  if (!known) {
    throw new UnknownParticipant(`employee ${employee} has no events in scenario ${scenario}`);
  }
  if (plan !== undefined) {
    const [{ n }] = await rows(
      conn,
      'SELECT count(*) AS n FROM (SELECT 1 FROM fct_yearly_events WHERE scenario_id = $s AND plan_id = $p LIMIT 1)',
      { s: scenario, p: plan },
    );
    if (Number(n) === 0) {
      const known = (
        await rows(
          conn,
          'SELECT DISTINCT plan_id FROM fct_yearly_events WHERE scenario_id = $s AND plan_id IS NOT NULL ORDER BY 1',
          {
            s: scenario,
          },
        )
      ).map((r) => String(r.plan_id));
      throw new AmbiguousQuery(
        `unknown plan ${plan} in scenario ${scenario}${known.length ? ` (plans: ${list(known)})` : ''}`,
      );
    }
    return plan;
  }
  const own = (
    await rows(
      conn,
      `SELECT DISTINCT plan_id FROM fct_yearly_events
        WHERE scenario_id = $s AND employee_id = $e AND ${PLAN_EVENT_FILTER} ${inRange} ORDER BY 1`,
      { s: scenario, e: employee },
    )
  ).map((r) => String(r.plan_id));
  const plans =
    own.length > 0
      ? own
      : (
          await rows(
            conn,
            `SELECT DISTINCT plan_id FROM fct_yearly_events WHERE scenario_id = $s AND ${PLAN_EVENT_FILTER} ORDER BY 1`,
            { s: scenario },
          )
        ).map((r) => String(r.plan_id));
  if (plans.length === 1) return plans[0];
  if (plans.length === 0) throw new AmbiguousQuery(`scenario ${scenario} has no plan events: pass --plan`);
  throw new AmbiguousQuery(`employee ${employee} is in several plans (${list(plans)}): pass --plan`);
}

/**
 * The locating query of `resolveParticipant`, `$e`: the employee's seq range per scenario
 * (through the employee_id index), the first and last scenario with events, and every
 * scenario's status. Small reads only: an index entry, one column of a table of one row per
 * participant, and the scenarios table.
 */
const LOCATE_SQL = `
SELECT 0 AS part, scenario_id AS s, first_seq AS a, last_seq AS b, NULL::VARCHAR AS t
  FROM participant_event_ranges WHERE employee_id = $e
UNION ALL
SELECT 1, min(scenario_id), NULL, NULL, max(scenario_id) FROM participant_event_ranges
UNION ALL
SELECT 2, scenario_id, NULL, NULL, status FROM scenarios`;

/**
 * The participant a balance question is about: `resolveScenario` then `resolvePlan`, with the
 * same answers and the same errors, in two short queries in the common case (one scenario, the
 * employee in it with one plan): the locating query, then the employee's plans from their
 * events, found by their seq range (the least and the greatest plan_id: one when they are
 * equal). Anything else (several scenarios, an employee without events, several plans or none, a
 * store without ranges) is answered by those two functions.
 */
export async function resolveParticipant(
  conn: DuckDBConnection,
  employee: string,
  opts: { scenario?: string; plan?: string; allowIncomplete?: boolean } = {},
): Promise<Participant> {
  const general = async (): Promise<Participant> => {
    const scenario_id = await resolveScenario(conn, opts.scenario, opts);
    return {
      scenario_id,
      employee_id: employee,
      plan_id: await resolvePlan(conn, scenario_id, employee, opts.plan),
    };
  };
  let found: Record<string, DuckDBValue>[];
  try {
    found = await runPrepared(conn, LOCATE_SQL, { e: employee });
  } catch {
    return general(); // a store without ranges or scenarios
  }
  const part = (n: number) => found.filter((r) => r.part === n);
  const [all] = part(1);
  const only =
    all.s !== null && all.s === all.t && !isPendingScenarioId(String(all.s)) ? String(all.s) : null;
  const scenario_id = opts.scenario ?? only;
  const range = part(0).find((r) => r.s === scenario_id);
  if (scenario_id === null || range === undefined) return general();
  const status = part(2).find((r) => r.s === scenario_id)?.t;
  if (status != null && !READABLE_STATUSES.has(String(status)) && opts.allowIncomplete !== true)
    await requireReadableScenario(conn, scenario_id, opts); // names the status: exit 2
  const [plans] = await rows(
    conn,
    `SELECT min(plan_id) AS lo, max(plan_id) AS hi, count(*) FILTER (WHERE plan_id = $p) AS given
       FROM fct_yearly_events
      WHERE seq BETWEEN ${toBigInt(range.a)} AND ${toBigInt(range.b)} AND scenario_id = $s AND employee_id = $e`,
    { s: scenario_id, e: employee, p: opts.plan ?? null },
  );
  if (opts.plan !== undefined)
    return plans.given === 0n ? general() : { scenario_id, employee_id: employee, plan_id: opts.plan };
  if (plans.lo === null || plans.lo !== plans.hi) return general();
  return { scenario_id, employee_id: employee, plan_id: String(plans.lo) };
}
