/**
 * Where a simulation's time goes (docs/simulate.md, "Performance"): seconds per step, summed
 * per thread with one clock reading at each step boundary (per person in the workers, per batch
 * on the main thread), so that measuring costs nothing measurable. Worker steps are summed over
 * the workers (thread time, not wall time); main-thread steps are the main thread's.
 */
export const WORKER_PHASES = ['workforce', 'engine', 'contract', 'encoding', 'summary'] as const;
export const MAIN_PHASES = ['load', 'commit', 'participants', 'finish', 'snapshots', 'figures'] as const;
export type Phase = (typeof WORKER_PHASES)[number] | (typeof MAIN_PHASES)[number];
export type PhaseSeconds = Record<Phase, number>;

export function emptyPhases(): PhaseSeconds {
  return Object.fromEntries([...WORKER_PHASES, ...MAIN_PHASES].map((p) => [p, 0])) as PhaseSeconds;
}

export function mergePhases(into: PhaseSeconds, from: Partial<PhaseSeconds>): void {
  for (const [p, s] of Object.entries(from)) into[p as Phase] += s ?? 0;
}

/** A stopwatch that charges the time since its last reading to a step. */
export class PhaseClock {
  readonly seconds = emptyPhases();
  private last = performance.now();

  /** Charge the time since the last reading to `phase`. */
  lap(phase: Phase): void {
    const now = performance.now();
    this.seconds[phase] += (now - this.last) / 1000;
    this.last = now;
  }

  /** The sums so far, which start again from zero. */
  take(): PhaseSeconds {
    const out = { ...this.seconds };
    for (const k of Object.keys(this.seconds)) this.seconds[k as Phase] = 0;
    return out;
  }

  /** Start counting from now (the time since the last reading is charged to no step). */
  reset(): void {
    this.last = performance.now();
  }
}
