// The CLI bundle's entry (scripts/build-cli.mjs): runs the command line it was started with.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
