/**
 * Starting the worker's module (worker-main) with node:worker_threads, from the compiled dist/
 * (worker-main.js) or from the TypeScript sources (worker-main.ts). Bun and Deno run .ts in a
 * worker by themselves. Node does not: its TypeScript loader comes from `--import tsx`, and Node
 * 20 does not run the parent's --import preloads in a worker thread; so under tsx the worker
 * starts with a two-line bootstrap that registers tsx's hooks in the worker, then imports the entry.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';

type WorkerClass = typeof NodeWorker;

/** The worker's module: beside this one, with this one's extension (.ts from the sources, .js from dist/). */
export function workerEntry(): URL {
  const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker-main${ext}`, import.meta.url);
}

/** Node itself (not Bun or Deno, which also set process.versions.node) running under tsx. */
function nodeUnderTsx(): boolean {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { execArgv?: string[] } };
  if (g.Bun !== undefined || g.Deno !== undefined) return false;
  return (g.process?.execArgv ?? []).some((arg) => /(^|[/\\@])tsx([/\\@]|$)/.test(arg));
}

export function startWorker(Worker: WorkerClass): NodeWorker {
  const entry = workerEntry();
  if (!entry.pathname.endsWith('.ts') || !nodeUnderTsx()) return new Worker(entry);
  // resolved here, where tsx is known to load from; the bootstrap's own resolution starts at the cwd
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
