/**
 * A deterministic fault-injection hook for tests (docs/store.md, "Fault injection"):
 * `PLANLEDGER_FAULT=<name>[:<n>][:hold]`. The n-th time (default the first) the process reaches
 * the point `name`, it kills itself with SIGKILL; with `hold`, it prints
 * `planledger: fault point <name> reached (pid <pid>)` to stderr and waits there until a SIGINT,
 * a SIGTERM or the loss of its parent, so that a test can interrupt it at a known place.
 * Unset, a point costs one environment lookup.
 */
const faultCounts = new Map<string, number>();

export async function faultPoint(name: string): Promise<void> {
  const spec = process.env.PLANLEDGER_FAULT;
  if (spec === undefined || spec === '') return;
  const [want, nth, action] = spec.split(':');
  if (want !== name) return;
  const seen = (faultCounts.get(name) ?? 0) + 1;
  faultCounts.set(name, seen);
  if (seen !== Number(nth || 1)) return;
  if (action !== 'hold') {
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  process.stderr.write(`planledger: fault point ${name} reached (pid ${process.pid})\n`);
  await new Promise<void>((resolve) => {
    for (const event of ['SIGINT', 'SIGTERM', 'disconnect'] as const) process.once(event, () => resolve());
  });
}
