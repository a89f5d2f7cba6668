import type { Command } from 'commander';

/** Not built yet: see the open issue for this command. */
export function register(_program: Command): void {}
