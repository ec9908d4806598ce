/** `ffnn export`, run as a real process: the ONNX file runs in onnxruntime-node and matches predictProba. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClassifier, loadMnist } from '@ffnn/core/node';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-export-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
const model = join(dir, 'model.ffnn');

test('train --out model.ffnn, then export --onnx: onnxruntime gives predictProba on the test digits', async () => {
  const t = ffnn('train', '--hidden', '32', '--max-iter', '3', '--train-size', '1000', '--test-size', '200', '--out', model);
  assert.is(t.status, 0, t.stderr);
  const onnx = join(dir, 'model.onnx');
  const r = ffnn('export', model, '--onnx', onnx);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /ONNX model \(float32, 784-32-10, 10 classes, \d+ bytes\) written to /);
  const clf = loadClassifier(model);
  const { test: digits } = loadMnist();
  const session = await ort.InferenceSession.create(readFileSync(onnx));
  const out = await session.run({ X: new ort.Tensor('float32', Float32Array.from(digits.X), [digits.rows, digits.cols]) });
  const want = clf.predictProba({ rows: digits.rows, cols: digits.cols, data: digits.X });
  const got = out.probabilities.data as Float32Array;
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got[i] - want.data[i]));
  console.log(`  export: ${digits.rows} test digits, max |p_onnx - predictProba| = ${max.toExponential(2)}`);
  assert.ok(max <= 1e-5, String(max));
  const labels = clf.predict({ rows: digits.rows, cols: digits.cols, data: digits.X });
  const onnxLabels = Array.from(out.label.data as BigInt64Array, Number);
  assert.ok(onnxLabels.filter((l, i) => l !== labels[i]).length <= 1);
  await session.release();
});

test('export --onnx-dtype float64 and --out converts between model formats', async () => {
  const onnx = join(dir, 'model64.onnx');
  const json = join(dir, 'model.json');
  const r = ffnn('export', model, '--onnx', onnx, '--onnx-dtype', 'float64', '--out', json);
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(readFileSync(json, 'utf8')).version, 1);
  const back = join(dir, 'back.ffnn');
  assert.is(ffnn('export', json, '--out', back).status, 0);
  assert.equal(readFileSync(back), readFileSync(model));
  const session = await ort.InferenceSession.create(readFileSync(onnx));
  assert.equal(session.outputNames, ['probabilities', 'label']);
  await session.release();
});

test('bad models and bad flags: a clear error, nothing written', () => {
  const out = join(dir, 'never.onnx');
  const corrupt = join(dir, 'corrupt.ffnn');
  const bytes = readFileSync(model);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(corrupt, bytes);
  const rows: [string[], number, RegExp][] = [
    [['export', corrupt, '--onnx', out], 1, /the weights do not match their checksum \(sha256_tensors\): the file is corrupted \[MODEL_FORMAT\]/],
    [['export', join(dir, 'missing.ffnn'), '--onnx', out], 1, /could not read .*missing.ffnn.*\[IO_ERROR\]/],
    [['export', model], 2, /nothing to do: give --onnx FILE and\/or --out FILE/],
    [['export', '--onnx', out], 2, /expected one model file/],
    [['export', model, '--onnx', out, '--onnx-dtype', 'float16'], 2, /--onnx-dtype: expected float32 or float64, got "float16"/],
    [['export', model, '--onnx', out, '--hidden', '3'], 2, /unknown flag --hidden for export \(see --help\)/],
    // checked before any work: the missing folder is named, and no output is written
    [['export', model, '--onnx', join(dir, 'no-such-dir', 'x.onnx')], 1, /--onnx .*no-such-dir\/x\.onnx: the folder .*no-such-dir does not exist \[IO_ERROR\]/],
  ];
  for (const [args, code, pattern] of rows) {
    const r = ffnn(...args);
    assert.is(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.not.ok(existsSync(out));
  }
});

test('export --json describes what it wrote', () => {
  const out = join(dir, 'json.onnx');
  const r = ffnn('export', model, '--onnx', out, '--json');
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.onnx.path, out);
  assert.is(report.onnx.dtype, 'float32');
  assert.is(report.onnx.bytes, readFileSync(out).length);
  assert.is(report.layerSizes[0], 784);
});

test('export --help', () => {
  const r = ffnn('export', '--help');
  assert.is(r.status, 0);
  assert.match(r.stdout, /usage: ffnn export MODEL/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
