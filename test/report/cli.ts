/** Runs the CLI from source in a child process (tests that need separate processes, like shards). */
import { main } from '../../src/cli/main.js';

await main(process.argv);
