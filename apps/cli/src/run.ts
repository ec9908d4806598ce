/** The ffnn command's process entry (bin/ffnn.mjs starts it): runs main and exits with its status. */
import { main } from './main.ts';

process.exit(await main(process.argv.slice(2)));
