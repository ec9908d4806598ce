#!/usr/bin/env node
// The ffnn command runs its TypeScript entry under Bun (shipped by the `bun` npm package).
// This wrapper must be invisible: SIGINT, SIGTERM and SIGHUP sent to it are passed on to Bun (so
// `kill PID` stops training instead of orphaning it), and it exits with Bun's status. When Bun
// dies from a signal the wrapper says which and exits 128 + its number, as a shell would.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'src', 'main.ts');
let bun = 'bun';
try {
  const pkg = createRequire(import.meta.url).resolve('bun/package.json');
  const candidate = join(dirname(pkg), 'bin', 'bun.exe');
  if (existsSync(candidate)) bun = candidate;
} catch {
  /* fall back to a bun on PATH */
}

const child = spawn(bun, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of forwarded) {
  // Ctrl-C in a terminal reaches both processes (same process group); forwarding it again is
  // harmless: the CLI counts a second signal only after it has started stopping.
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`ffnn: could not start Bun (${err.message}); run "npm install" first`);
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
