// npm run test-env -- up <component...> | down
//   up: provisions (cached outside the clone), starts on 127.0.0.1, prints one JSON line of endpoints.
import type { ComponentName } from './component.js';
import { COMPONENTS, down, provision, up } from './env.js';

const [command, ...args] = process.argv.slice(2);
const usage = `usage: npm run test-env -- up|provision <${Object.keys(COMPONENTS).join('|')}...> | down`;

try {
  if (command === 'up' || command === 'provision') {
    const unknown = args.filter((name) => !(name in COMPONENTS));
    if (args.length === 0 || unknown.length)
      throw new Error(unknown.length ? `unknown component(s): ${unknown.join(', ')}\n${usage}` : usage);
    if (command === 'provision') await provision(args as ComponentName[]);
    else process.stdout.write(JSON.stringify(await up(args as ComponentName[])) + '\n');
  } else if (command === 'down') {
    await down();
  } else {
    throw new Error(usage);
  }
} catch (error) {
  process.stderr.write(`test-env: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
