// Entry of the ticket sink: `main.ts [--port 8080] [--keep 1000]`.
import { parseArgs } from 'node:util';
import { startSink } from './sink.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, keep: { type: 'string', default: '1000' } } });
const sink = await startSink({ port: Number(values.port), keep: Number(values.keep) });
process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), level: 'info', msg: 'ticket sink listening', port: sink.port })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sink.close().then(() => process.exit(0)));
