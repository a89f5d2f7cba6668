/**
 * `planledger simulate`: census → workforce decisions → plan engine → checked events → the
 * DuckDB store and/or an NDJSON file, with a closing summary (docs/simulate.md).
 * Exit 0 done; 2 on bad input (census row, plan field, config field, options) found before any
 * work, or an I/O problem; 1 when the run failed after starting.
 */
import type { Command } from 'commander';
import { out, outJson } from '../exit.js';
import { addSimulationFlags, optionsFromFlags, runSimulation, type SimulateFlags } from '../simulation.js';
import { DEFAULT_DB } from '../store.js';

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('simulate a workforce and its plan events into the store and/or an NDJSON file');
  addSimulationFlags(cmd, '10000')
    .option('--db <path>', `DuckDB store (default ${DEFAULT_DB} unless only --out is given)`)
    .option('--out <file.ndjson>', 'also (or only) write the canonical events as NDJSON')
    .option('--scenario <id>', 'scenario id (a re-run replaces it)', 'default')
    .option('--shard <i/n>', 'produce only the partitions of shard i of n (p % n == i - 1)')
    .action(async (flags: SimulateFlags) => {
      const result = await runSimulation(await optionsFromFlags(flags));
      const { summaryJson, summaryText } = await import('../../simulate/summary-text.js');
      if (flags.json) outJson(summaryJson(result));
      else out(summaryText(result));
    });
}
