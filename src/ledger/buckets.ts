/**
 * Which bucket each contribution source lands in (calculations.md, The ledger). The one place
 * this mapping lives; snapshots, history and reports use it.
 */
import type { ContributionSource, EmployerBucket } from '../schema/contract.js';

/** The six buckets, in snapshot column order. */
export const BUCKETS = [
  'employee_pre_tax',
  'employee_roth',
  'employee_after_tax',
  'employer_match',
  'employer_nonelective',
  'employer_profit_sharing',
] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Employee money is always 100% vested (calculations.md, Vesting). */
export const EMPLOYEE_BUCKETS = ['employee_pre_tax', 'employee_roth', 'employee_after_tax'] as const;
/** Buckets subject to vesting and forfeiture. */
export const VESTING_BUCKETS: readonly EmployerBucket[] = [
  'employer_match',
  'employer_nonelective',
  'employer_profit_sharing',
];

export const SOURCE_BUCKET: Readonly<Record<ContributionSource, Bucket>> = {
  employee_pre_tax: 'employee_pre_tax',
  employee_catch_up: 'employee_pre_tax', // pre-tax catch-up
  employee_roth: 'employee_roth',
  employee_roth_catch_up: 'employee_roth', // Roth catch-up (SECURE 2.0 §603)
  employee_after_tax: 'employee_after_tax',
  employer_match: 'employer_match',
  employer_match_true_up: 'employer_match',
  employer_nonelective: 'employer_nonelective',
  forfeiture_allocation: 'employer_nonelective',
  employer_profit_sharing: 'employer_profit_sharing',
};

/** Index of a bucket in BUCKETS. */
export const BUCKET_INDEX: Readonly<Record<Bucket, number>> = Object.fromEntries(
  BUCKETS.map((b, i) => [b, i]),
) as Record<Bucket, number>;

export function isBucket(name: string): name is Bucket {
  return (BUCKETS as readonly string[]).includes(name);
}

export function isEmployerBucket(b: Bucket): b is EmployerBucket {
  return b.startsWith('employer_');
}
