/**
 * `planledger history EMPLOYEE_ID [--scenario S] [--from DATE] [--to DATE] [--json] [--db]`:
 * a participant's events in the contract's order and their state at the end. An unknown
 * employee is exit 1; an employee in several scenarios without --scenario is exit 2.
 */
import type { Command } from 'commander';
import { CheckFailed, out, UsageError } from '../exit.js';
import { DEFAULT_DB } from '../store.js';

interface Flags {
  db: string;
  lake?: string;
  scenario?: string;
  allowIncomplete?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
}

function dateFlag(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== text
  ) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a calendar date YYYY-MM-DD`);
  }
  return text;
}

export function register(program: Command): void {
  program
    .command('history')
    .description("a participant's events in order (effective date, then sequence) and their state at the end")
    .argument('<employee_id>', 'the participant')
    .option('--scenario <id>', 'the scenario (needed when the employee is in several)')
    .option('--from <date>', 'show events from this day (YYYY-MM-DD)')
    .option('--to <date>', 'show events up to this day; the state is as of its end')
    .option('--json', 'print {"employee_id","scenario_id","events","state"} as JSON')
    .option('--allow-incomplete', 'read a scenario that is not complete (an unfinished run)')
    .option('--db <path>', 'DuckDB store', DEFAULT_DB)
    .option('--lake <dir>', 'read a Parquet lake (planledger export) instead of --db')
    .action(async (employee: string, flags: Flags) => {
      const from = dateFlag(flags.from, '--from');
      const to = dateFlag(flags.to, '--to');
      if (from !== undefined && to !== undefined && from > to)
        throw new UsageError(`--from ${from} is after --to ${to}: no day can be in that range`);
      const { history, UnknownEmployeeError, AmbiguousScenarioError } = await import(
        '../../store/history.js'
      );
      const store =
        flags.lake !== undefined
          ? await (await import('../../store/lake.js')).openQueryStore({ lake: flags.lake })
          : await (await import('../../store/open.js')).openStore({ path: flags.db, readOnly: true });
      const { requireReadableScenario } = await import('../../store/scenarios.js');
      const readable = { allowIncomplete: flags.allowIncomplete };
      let r: Awaited<ReturnType<typeof history>>;
      try {
        // A scenario named is checked first: an unknown scenario is exit 2, not an unknown employee.
        if (flags.scenario !== undefined)
          await requireReadableScenario(store.connection, flags.scenario, readable);
        r = await history(store.connection, employee, { scenario: flags.scenario, from, to });
        await requireReadableScenario(store.connection, r.scenario_id, readable);
      } catch (err) {
        if (err instanceof UnknownEmployeeError) throw new CheckFailed(err.message);
        if (err instanceof AmbiguousScenarioError) throw new UsageError(err.message);
        throw err;
      } finally {
        store.close();
      }
      if (flags.json) {
        // Canonical events: their stored canonical text, spliced in unchanged.
        process.stdout.write(
          `{"employee_id":${JSON.stringify(r.employee_id)},"scenario_id":${JSON.stringify(r.scenario_id)},` +
            `"events":[${r.texts.join(',')}],"state":${JSON.stringify(r.state)}}\n`,
        );
        return;
      }
      printHuman(r);
    });
}

function printHuman(r: Awaited<ReturnType<typeof import('../../store/history.js').history>>): void {
  out(`${r.employee_id}  scenario ${r.scenario_id}  ${r.events.length} events`);
  r.events.forEach((e, i) => {
    out(`  ${e.effective_date}  #${r.seqs[i]}  ${e.payload.event_type.padEnd(12)} ${summary(e.payload)}`);
  });
  const s = r.state;
  out(`state as of ${s.as_of}:`);
  out(
    `  employment     ${s.employment.status}${s.employment.hire_date ? `, hired ${s.employment.hire_date}` : ''}${s.employment.termination_date ? `, terminated ${s.employment.termination_date}` : ''}`,
  );
  out(`  compensation   ${s.compensation ?? '-'}   level ${s.job_level ?? '-'}   HCE ${s.is_hce ?? '-'}`);
  out(
    `  eligibility    ${s.eligibility.eligible ? `eligible since ${s.eligibility.since}` : 'not eligible'}`,
  );
  const el = s.election;
  out(
    `  election       ${el ? `pre-tax ${el.pre_tax_rate}, Roth ${el.roth_rate}, after-tax ${el.after_tax_rate}${el.auto_enrollment ? ' (automatic)' : ''} from ${el.effective_date}` : 'none'}`,
  );
  for (const [bucket, amount] of Object.entries(s.balances))
    out(`  ${bucket.padEnd(24)}${amount.padStart(14)}`);
  out(`  ${'vested fraction'.padEnd(24)}${s.vested_fraction.padStart(14)}`);
  out(`  ${'vested balance'.padEnd(24)}${s.vested_balance.padStart(14)}`);
}

/** The payload fields after event_type and plan_id, as `key=value`. */
function summary(p: Record<string, unknown>): string {
  return Object.entries(p)
    .filter(([k, v]) => k !== 'event_type' && v !== null && v !== false)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}
