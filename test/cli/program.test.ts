import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS, programFor } from '../../src/cli/main.js';

const argv = (...words: string[]) => ['node', 'planledger', ...words];
const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
const described = (c: Command) => ({
  name: c.name(),
  help: c.helpInformation(),
  sub: all(c).map((s) => [s.name(), s.helpInformation()]),
});

describe('the program loads only the command a run names (src/cli/main.ts)', () => {
  it('COMMANDS lists every command once, in the order --help shows them', async () => {
    const full = await buildProgram();
    expect(full.commands.map((c) => c.name())).toEqual(COMMANDS.map(([name]) => name));
  });

  it('a run naming a command gets exactly that command, the same as in the full program', async () => {
    const full = await buildProgram();
    for (const [name] of COMMANDS) {
      const one = await programFor(argv(name, '--help'));
      expect(one.commands.map((c) => c.name())).toEqual([name]);
      const same = full.commands.find((c) => c.name() === name);
      expect(described(one.commands[0])).toEqual(described(same!));
    }
  });

  it('--version alone needs no command', async () => {
    for (const v of ['--version', '-V']) {
      const p = await programFor(argv(v));
      expect(p.commands).toEqual([]);
      expect(p.version()).toBe((await buildProgram()).version());
    }
  });

  it('anything else gets every command: --help, help <cmd>, a misspelt command, --version with more', async () => {
    for (const words of [['--help'], ['help', 'balance'], ['balanse'], [], ['--version', 'balance']]) {
      const p = await programFor(argv(...words));
      expect(
        p.commands.map((c) => c.name()),
        words.join(' '),
      ).toEqual(COMMANDS.map(([name]) => name));
    }
  });
});
