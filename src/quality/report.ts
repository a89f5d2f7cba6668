/**
 * How a data-quality run is shown: the exit code, the human table and the alert it raises.
 */
import { EXIT_CHECK_FAILED, EXIT_OK } from '../cli/exit.js';
import type { DqReport } from './run.js';

/** 1 when an error rule failed its threshold; warnings alone leave 0. */
export function dqExitCode(report: DqReport): number {
  return report.status === 'failed' ? EXIT_CHECK_FAILED : EXIT_OK;
}
