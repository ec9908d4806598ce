#!/usr/bin/env node
// Converts a fitted scikit-learn MLPClassifier (pickled with joblib) into an ffnn model file,
// running tools/parity/import_sklearn.py in the parity venv. Usage:
//   node tools/parity/import.mjs convert MODEL.joblib OUT.ffnn [--check-x X.json --check-out CHECK.json]
//   node tools/parity/import.mjs demo NAME|all OUT_DIR
// The venv comes from `node tools/parity/setup.mjs`; without it this exits 1 and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const python = join(here, '.venv', 'bin', 'python');
if (!existsSync(python)) {
  console.error(`import: the parity venv is missing (${python}); run \`node tools/parity/setup.mjs\` first`);
  process.exit(1);
}
const r = spawnSync(python, [join(here, 'import_sklearn.py'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
