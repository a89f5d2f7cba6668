/**
 * Fault injection for the crash tests (docs/store.md, "Batches and crash safety"): with
 * `PLANLEDGER_FAULT=<point>:<n>` in the environment, the process kills itself with SIGKILL the
 * n-th time it reaches the named point (nothing runs after it: no finally, no exit handler),
 * exactly as `kill -9` from outside would, but at a chosen place. `<point>@` instead of
 * `<point>:` kills on the next turn of the event loop, while the statement just started runs
 * (a commit under way). A suffix `:SIGINT` or `:SIGTERM` sends that signal instead (the
 * signal tests: the process then handles it). Unset (always, outside tests), a point costs one
 * comparison.
 */

const spec = /^([a-z-]+)([:@])([0-9]+)(?::(SIGINT|SIGTERM))?$/.exec(process.env.PLANLEDGER_FAULT ?? '');
const target = spec?.[1];
const later = spec?.[2] === '@';
let remaining = Number(spec?.[3] ?? 0);
const signal = (spec?.[4] ?? 'SIGKILL') as NodeJS.Signals;

const kill = (): void => {
  process.kill(process.pid, signal);
};

/** A named place where a crash test may kill this process (see the file's header). */
export function faultPoint(name: string): void {
  if (name !== target || --remaining !== 0) return;
  if (later) setImmediate(kill);
  else kill();
}
