/**
 * The `fieldmark` command run from the TypeScript sources (under `node --import tsx`), as
 * bin/fieldmark runs the built CLI: the tests exercise the code as written, with no build step.
 */
import { runCli } from '../../main/cli/main.js';

// As in bin/fieldmark: a closed pipe ends the output quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2));
