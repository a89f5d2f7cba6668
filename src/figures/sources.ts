/**
 * Which contribution sources are the employer's money and which the employee's, derived from the
 * bucket mapping (src/ledger/buckets.ts) so that a new source needs no list here. Light on
 * purpose: simulation workers import it (no DuckDB).
 */
import { isEmployerBucket, SOURCE_BUCKET } from '../ledger/buckets.js';
import { CONTRIBUTION_SOURCES, type ContributionSource } from '../schema/contract.js';

/** Sources paid by the employer; forfeiture allocations are excluded (forfeitures fund them). */
export const EMPLOYER_SOURCES: readonly ContributionSource[] = CONTRIBUTION_SOURCES.filter(
  (s) => isEmployerBucket(SOURCE_BUCKET[s]) && s !== 'forfeiture_allocation',
);

/** Sources of the employee's own money (deferrals, catch-up, after-tax). */
export const EMPLOYEE_SOURCES: readonly ContributionSource[] = CONTRIBUTION_SOURCES.filter(
  (s) => !isEmployerBucket(SOURCE_BUCKET[s]),
);

/** Catch-up sources (written only for deferral beyond 402(g) or 415(c): calculations.md, step 4). */
export const CATCH_UP_SOURCES: readonly ContributionSource[] = CONTRIBUTION_SOURCES.filter((s) =>
  s.includes('catch_up'),
);

/** The employee's elective deferrals other than catch-up (what 402(g) limits). */
export const DEFERRAL_SOURCES: readonly ContributionSource[] = EMPLOYEE_SOURCES.filter(
  (s) => !CATCH_UP_SOURCES.includes(s) && SOURCE_BUCKET[s] !== 'employee_after_tax',
);
