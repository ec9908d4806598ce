/**
 * The import graph of a TypeScript source tree, read from its import and export-from statements
 * (type-only ones too: a circle of types is still a circle a reader has to untangle), and the
 * circles in it. Small on purpose: relative specifiers only, which is all libs/ffnn/src uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under dir, as paths relative to dir. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** `from './x.ts'` in import and export statements, and bare `import './x.ts'`. */
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** The relative imports of a source text. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1]);
}

/** file -> the files it imports, all relative to dir. */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    graph.set(
      file,
      importsOf(text).map((spec) => relative(dir, resolve(dir, dirname(file), spec))),
    );
  }
  return graph;
}

/** Every import circle, each as the path file -> ... -> the same file (depth-first, each reported once). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Lines in a file, as `wc -l` counts them. */
export function lineCount(path: string): number {
  return (readFileSync(path, 'utf8').match(/\n/g) ?? []).length;
}
