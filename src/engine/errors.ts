/** A plan design that cannot be used: names the file, the field and the reason. */
export class PlanError extends Error {
  override name = 'PlanError';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field}: ${reason}`);
  }
}

/** Engine inputs that break a rule of calculations.md (e.g. two terminations for one person). */
export class EngineInputError extends Error {
  override name = 'EngineInputError';
  constructor(
    readonly employeeId: string,
    readonly reason: string,
  ) {
    super(`employee ${JSON.stringify(employeeId)}: ${reason}`);
  }
}

/** A census file that cannot be read: names the file, the line, the field and the reason. */
export class CensusError extends Error {
  override name = 'CensusError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${field}: ${reason}`);
  }
}
