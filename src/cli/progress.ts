/**
 * The CLI's one progress bar (cli-progress): on stderr, and only when stderr is a terminal
 * (never in pipes, logs or CI). It starts at the first update, which brings the total, so a
 * command that finishes before any progress prints nothing. `stop` may be called more than once.
 */
export interface ProgressBar<P extends object> {
  update(done: number, total: number, payload?: P): void;
  stop(): void;
}

export async function progressBar<P extends object = Record<string, never>>(
  format: string,
): Promise<ProgressBar<P> | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ stream: process.stderr, format, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, payload) {
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
