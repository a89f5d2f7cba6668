/**
 * Fault injection for the crash and signal tests (docs/store.md, "Fault injection"), one hook
 * for every command: `PLANLEDGER_FAULT=<point>[:<n>|@<n>][:SIGINT|:SIGTERM|:hold]`.
 *
 * - The n-th time (default the first) the process reaches the named point, it kills itself with
 *   SIGKILL: nothing runs after it (no finally, no exit handler), exactly as `kill -9` from
 *   outside would, but at a chosen place.
 * - `@<n>` instead of `:<n>` kills on the next turn of the event loop, while the statement just
 *   started runs (a commit under way).
 * - `:SIGINT` / `:SIGTERM` send that signal instead (the process then handles it).
 * - `:hold` prints `planledger: fault point <point> reached (pid <pid>)` to stderr and waits
 *   there until a SIGINT, a SIGTERM or the loss of the parent process, so that a test can
 *   interrupt the run at a known place (the caller awaits the returned promise).
 *
 * Unset (always, outside tests), a point costs one comparison.
 */

const spec = /^([a-z-]+)(?:([:@])([0-9]+))?(?::(SIGINT|SIGTERM|hold))?$/.exec(
  process.env.PLANLEDGER_FAULT ?? '',
);
const target = spec?.[1];
const later = spec?.[2] === '@';
let remaining = Number(spec?.[3] ?? 1);
const action = spec?.[4] ?? 'SIGKILL';

function hold(name: string): Promise<void> {
  process.stderr.write(`planledger: fault point ${name} reached (pid ${process.pid})\n`);
  return new Promise<void>((resolve) => {
    for (const event of ['SIGINT', 'SIGTERM', 'disconnect'] as const) process.once(event, () => resolve());
  });
}

/**
 * A named place where a test may stop this process (see the file's header). Returns a promise
 * only for `:hold`; callers on an async path await it.
 */
export function faultPoint(name: string): Promise<void> | undefined {
  if (name !== target || --remaining !== 0) return undefined;
  if (action === 'hold') return hold(name);
  const kill = (): void => {
    process.kill(process.pid, action as NodeJS.Signals);
  };
  if (later) setImmediate(kill);
  else kill();
  return undefined;
}
