// Import a fitted scikit-learn MLPClassifier into ffnn and check that it predicts the same.
//
//   node examples/sklearn-import.mjs [OUT_DIR]
//
// Three steps, each one you can run by hand:
//   1. python examples/sklearn-import/train_sklearn.py OUT_DIR        fit and pickle (model.joblib)
//   2. python tools/parity/import_sklearn.py convert OUT_DIR/model.joblib OUT_DIR/model.ffnn \
//        --check-x OUT_DIR/X.json --check-out OUT_DIR/check.json       convert; sklearn's own predictions
//   3. loadClassifier(OUT_DIR/model.ffnn) in ffnn, compared with check.json here
// import_sklearn.py is in the ffnn repository (tools/parity); it needs numpy, scikit-learn and
// joblib only. Python is $PYTHON, or the repository's parity venv (node tools/parity/setup.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClassifier } from '@ffnn/core/node';

const repo = fileURLToPath(new URL('..', import.meta.url));
const python = process.env.PYTHON ?? join(repo, 'tools/parity/.venv/bin/python');
if (!existsSync(python)) throw new Error(`no python at ${python}: set PYTHON, or run node tools/parity/setup.mjs`);
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'ffnn-sklearn-import-'));

const py = (...args) => {
  const r = spawnSync(python, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  process.stdout.write(r.stdout);
};
py(join(repo, 'examples/sklearn-import/train_sklearn.py'), dir);
py(
  join(repo, 'tools/parity/import_sklearn.py'),
  'convert',
  join(dir, 'model.joblib'),
  join(dir, 'model.ffnn'),
  '--check-x',
  join(dir, 'X.json'),
  '--check-out',
  join(dir, 'check.json'),
);

const clf = loadClassifier(join(dir, 'model.ffnn'));
const check = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')); // sklearn's predict_proba and predict
console.log(`ffnn loaded ${clf.layerSizes.join('-')} (${clf.layerActivations.join(', ')}), classes ${clf.classes.join(', ')}`);

const proba = clf.predictProba(check.X);
let worst = 0;
check.proba.forEach((row, r) => row.forEach((p, c) => (worst = Math.max(worst, Math.abs(p - proba.data[r * proba.cols + c])))));
const labels = clf.predict(check.X);
const same = labels.filter((l, r) => l === check.predict[r]).length;
console.log(`largest |predict_proba - predictProba|: ${worst.toExponential(2)} (tolerance ${check.tolerance}); same label on ${same} of ${labels.length} rows`);
if (!(worst <= check.tolerance) || same !== labels.length) throw new Error('ffnn and scikit-learn disagree');
console.log(`model files in ${dir}`);
