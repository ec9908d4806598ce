// Load a saved classifier in a web page and predict rows typed into it. @ffnn/core's root entry
// imports nothing from node:, so a bundler takes it as it is; the model file is fetched (or picked)
// as bytes and read by FFNNClassifier.fromBytes, checksums and all.
//
//   node examples/train-csv.mjs examples/data/blobs.csv examples/web-page/model.ffnn
//   npx esbuild examples/web-page/app.mjs --bundle --format=esm --outfile=examples/web-page/app.js
//   python3 -m http.server -d examples/web-page 8000     (any static server), then open http://localhost:8000/
//
// (A page opened from file:// cannot fetch model.ffnn; pick the file with the button instead.)
import { FFNNClassifier, parseDecimal } from '@ffnn/core';

const $ = (id) => document.getElementById(id);
const esc = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`); // labels come from the file
let clf = null;

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

/** Reads the model, shows what it expects and fills the text box with a header when it is empty. */
function useModel(bytes, name) {
  clf = FFNNClassifier.fromBytes(bytes); // MODEL_FORMAT on a truncated, changed or foreign file
  const names = clf.featureNamesIn;
  $('model').textContent = `${name}: layers ${clf.layerSizes.join('-')}, classes ${clf.classes.join(', ')}${names ? `, columns ${names.join(', ')}` : ''}`;
  if (!$('rows').value.trim()) $('rows').value = names ? `${names.join(',')}\n${names.map(() => '0').join(',')}\n` : '';
  $('predict').disabled = false;
  status(`model loaded (${bytes.length} bytes, ${clf.backendName} kernels)`);
}

/** CSV text to {rows, cols, data} plus the header's names (null without one): numbers must be plain decimals. */
function parseRows(text) {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  let names = null;
  if (lines.length && lines[0].split(',').some((c) => parseDecimal(c.trim()) === null))
    names = lines
      .shift()
      .split(',')
      .map((c) => c.trim());
  const cols = names ? names.length : (lines[0]?.split(',').length ?? 0);
  const data = new Float64Array(lines.length * cols);
  lines.forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== cols) throw new Error(`row ${r + 1}: ${cells.length} values, expected ${cols}`);
    cells.forEach((cell, c) => {
      const v = parseDecimal(cell.trim());
      if (v === null) throw new Error(`row ${r + 1}, column ${c + 1}: "${cell}" is not a number`);
      data[r * cols + c] = v;
    });
  });
  return { X: { rows: lines.length, cols, data }, names };
}

function predict() {
  try {
    const { X, names } = parseRows($('rows').value);
    if (X.rows === 0) throw new Error('no rows to predict');
    // with a header, columns are put in the model's order by name (an unknown or missing one is an error)
    const aligned = names && clf.featureNamesIn ? clf.alignColumns(X, names) : X;
    const labels = clf.predict(aligned);
    const p = clf.predictProba(aligned);
    const proba = labels.map((_, r) => Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols)));
    const head = `<tr><th>row</th><th>label</th>${clf.classes.map((c) => `<th>p(${esc(c)})</th>`).join('')}</tr>`;
    const body = labels.map((l, r) => `<tr><td>${r + 1}</td><td>${esc(l)}</td>${proba[r].map((v) => `<td>${v.toFixed(4)}</td>`).join('')}</tr>`);
    $('table').innerHTML = head + body.join('');
    $('result').textContent = JSON.stringify({ labels, proba });
    status(`predicted ${labels.length} row${labels.length === 1 ? '' : 's'}`);
  } catch (err) {
    $('result').textContent = JSON.stringify({ error: String(err.message ?? err) });
    status(`${err.code ? `${err.code}: ` : ''}${err.message ?? err}`, true);
  }
}

$('predict').addEventListener('click', predict);
$('model-file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    useModel(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (err) {
    status(`${file.name}: ${err.message}`, true);
  }
});

const url = new URLSearchParams(location.search).get('model') ?? 'model.ffnn';
try {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  useModel(new Uint8Array(await response.arrayBuffer()), url);
} catch (err) {
  status(`no model from ${url} (${err.message}): pick a .ffnn file; node examples/train-csv.mjs writes one`, true);
}
