/** The plan engine: plan designs, census, and the per-person projection of calculations.md. */

export { LEDGER_VERSION } from '../ledger/ledger.js';
export { PERIODS, payDatesOfYear } from './calendar.js';
export { canonicalDecision, canonicalTimestamp } from './canonical.js';
export { type CensusPerson, parseCensusCsv } from './census.js';
export { entryDay, entryOnOrAfter, requirementsMetDay } from './eligibility.js';
export { CensusError, EngineInputError, PlanError } from './errors.js';
export { eventIdMaker } from './ids.js';
export { IRS_LIMITS } from './irs-limits.js';
export { matchAmount } from './match.js';
export { checkYears, type PlanDesign, parsePlan } from './plan.js';
export { type ProjectPersonInput, projectPerson } from './project.js';
export { ServiceRecord, vestedFraction, weekdaysBetween } from './service.js';
export { ENGINE_VERSION } from './version.js';
