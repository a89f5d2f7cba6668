/**
 * Which scenario, and which plan of a participant, a balance question is about, when the user
 * leaves them out: the only one there is, or a clear error listing the choices.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { PLAN_EVENT_FILTER } from './sql.js';
import { rows } from './values.js';

/** The question cannot be answered as asked (exit 2): names what to pass. */
export class AmbiguousQuery extends Error {
  override name = 'AmbiguousQuery';
}

/** The employee is not in the scenario (exit 1). */
export class UnknownParticipant extends Error {
  override name = 'UnknownParticipant';
}

const list = (values: string[]) => values.slice(0, 10).join(', ') + (values.length > 10 ? ', …' : '');

export async function resolveScenario(conn: DuckDBConnection, scenario: string | undefined): Promise<string> {
  const all = (await rows(conn, 'SELECT DISTINCT scenario_id FROM fct_yearly_events ORDER BY 1')).map((r) =>
    String(r.scenario_id),
  );
  if (scenario !== undefined) {
    if (!all.includes(scenario)) {
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

export async function resolvePlan(
  conn: DuckDBConnection,
  scenario: string,
  employee: string,
  plan: string | undefined,
): Promise<string> {
  const known = await rows(
    conn,
    `SELECT (SELECT count(*) FROM fct_yearly_events WHERE scenario_id = $s AND employee_id = $e) AS n`,
    { s: scenario, e: employee },
  );
  if (Number(known[0].n) === 0) {
    throw new UnknownParticipant(`employee ${employee} has no events in scenario ${scenario}`);
  }
  if (plan !== undefined) return plan;
  const own = (
    await rows(
      conn,
      `SELECT DISTINCT plan_id FROM fct_yearly_events
        WHERE scenario_id = $s AND employee_id = $e AND ${PLAN_EVENT_FILTER} ORDER BY 1`,
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
