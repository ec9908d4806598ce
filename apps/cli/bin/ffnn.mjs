#!/usr/bin/env node
// The ffnn command: runs the compiled entry (dist/run.js) in a child of this same runtime, so
// plain `node` is enough (Bun and Deno work too; nothing else needs to be on PATH). The wrapper
// must be invisible: SIGINT, SIGTERM and SIGHUP sent to it are passed on to the child (so
// `kill PID` stops training instead of orphaning it), and it exits with the child's status. When
// the child dies from a signal the wrapper says which and exits 128 + its number, as a shell would.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'run.js');
if (!existsSync(entry)) {
  // only in a checkout of the repository: the published package ships dist/
  console.error(`ffnn: ${entry} is missing: build the CLI first (npx nx run cli:build)`);
  process.exit(127);
}
const runtime = process.execPath;
// Deno runs a script with `deno run`; Node and Bun take the file directly
const args = 'Deno' in globalThis ? ['run', '--allow-all', entry] : [entry];
const child = spawn(runtime, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of forwarded) {
  // Ctrl-C in a terminal reaches both processes (same process group); forwarding it again is
  // harmless: the CLI counts a second signal only after it has started stopping.
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`ffnn: could not start ${runtime} (${err.message})`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) {
    const number = constants.signals[signal] ?? 0;
    console.error(`ffnn: the runtime was killed by ${signal}${signal === 'SIGKILL' ? ' (perhaps out of memory)' : ''}; nothing it had not finished was saved`);
    process.exit(128 + number);
  }
  process.exit(code ?? 1);
});
