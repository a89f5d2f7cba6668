import type { Command } from 'commander';

/** `planledger schema --out DIR`: write the JSON Schema files of the event contract (docs/schema.md). */
export function register(program: Command): void {
  program
    .command('schema')
    .description('write the JSON Schema (draft 2020-12) of the event and of each payload kind')
    .requiredOption('--out <dir>', 'directory to write the .schema.json files into (created if missing)')
    .action(async (opts: { out: string }) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { schemaFiles } = await import('../../schema/emit.js');
      await mkdir(opts.out, { recursive: true });
      const files = schemaFiles();
      for (const [name, text] of files) await writeFile(join(opts.out, name), text);
      process.stdout.write(`wrote ${files.size} schema files to ${opts.out}\n`);
    });
}
