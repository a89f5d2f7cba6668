/** The CLI from source, for tests that run it in a child process (real exit codes, separate processes). */
import { main } from '../../src/cli/main.js';

await main(process.argv);
