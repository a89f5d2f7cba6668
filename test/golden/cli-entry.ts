// Runs the CLI from source for tests (the built bin needs `npm run build`).
import { main } from '../../src/cli/main.js';

await main(process.argv);
