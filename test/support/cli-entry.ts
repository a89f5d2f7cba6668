/** The CLI from source, for tests that run it in a child process (real exit codes, separate processes). */
import { main } from '../../src/cli/main.js';

// As bin/planledger.js runs it: the process ends with the command.
await main(process.argv, { endsProcess: true });
