/** The ffnn command, run as a real process (bin/ffnn.mjs -> node dist/run.js, the built CLI). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-cli-'));
const ffnn = (...args: string[]) => spawnSync(process.execPath.includes('bun') ? 'node' : process.execPath, [bin, ...args], { encoding: 'utf8' });

test('train on the bundled digits prints the loss per epoch and the test accuracy, and saves the model', () => {
  const out = join(dir, 'model.json');
  const r = ffnn('train', '--hidden', '32', '--max-iter', '2', '--train-size', '1000', '--test-size', '300', '--out', out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /epoch +1 +loss \d\.\d{6}/);
  assert.match(r.stdout, /epoch +2 +loss/);
  assert.match(r.stdout, /test accuracy \d+\.\d\d% on 300 digits/);
  assert.ok(existsSync(out));
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).layerSizes, [784, 32, 10]);
});

test('--json prints one machine-readable object; kebab-case flags map to options', () => {
  const r = ffnn(
    'train',
    '--hidden-layer-sizes',
    '16',
    '--epochs',
    '5',
    '--solver',
    'adam',
    '--learning-rate-init',
    '0.01',
    '--seed',
    '3',
    '--train-size',
    '500',
    '--test-size',
    '100',
    '--json',
  );
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.epochs.length, 5);
  assert.type(report.testAccuracy, 'number');
  assert.ok(report.testAccuracy > 0.6, String(report.testAccuracy)); // 5 Adam epochs on 500 digits learn something
});

test('--backend wasm trains on the WebAssembly kernels to the same loss as --backend js (float64, 1e-9: only summation order differs), and info lists them', () => {
  const args = ['train', '--hidden-layer-sizes', '16', '--epochs', '2', '--seed', '3', '--train-size', '500', '--test-size', '100', '--json'];
  const wasm = ffnn(...args, '--backend', 'wasm');
  assert.is(wasm.status, 0, wasm.stderr);
  const js = ffnn(...args, '--backend', 'js');
  assert.is(js.status, 0, js.stderr);
  const [w, j] = [JSON.parse(wasm.stdout), JSON.parse(js.stdout)];
  assert.is(w.backend, 'wasm');
  assert.is(j.backend, 'js');
  for (let e = 0; e < 2; e++) assert.ok(Math.abs(w.epochs[e].loss - j.epochs[e].loss) < 1e-9, `${w.epochs[e].loss} vs ${j.epochs[e].loss}`);
  const info = ffnn('info', '--json');
  assert.is(info.status, 0, info.stderr);
  assert.match(JSON.parse(info.stdout).wasm, /^loaded \(simd128: /);
});

test('bad flags and bad values exit non-zero and name the flag', () => {
  const unknown = ffnn('train', '--bogus', '1');
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /unknown flag --bogus/);
  const badValue = ffnn('train', '--activation', 'swish', '--train-size', '100', '--test-size', '10');
  assert.is(badValue.status, 1);
  assert.match(badValue.stderr, /activation: expected one of .* got "swish" \(flag --activation\) \[INVALID_PARAM\]/);
  const notNumber = ffnn('train', '--max-iter', 'ten');
  assert.is(notNumber.status, 2);
  assert.match(notNumber.stderr, /--max-iter: expected a number, got "ten"/);
  const badCommand = ffnn('fly');
  assert.is(badCommand.status, 2);
  assert.match(badCommand.stderr, /unknown command "fly"/);
});

test('--help lists every option flag', () => {
  const r = ffnn('train', '--help');
  assert.is(r.status, 0);
  for (const flag of ['--hidden-layer-sizes (--hidden)', '--learning-rate-init', '--batch-size', '--random-state (--seed)', '--max-iter', '--out'])
    assert.ok(r.stdout.includes(flag), flag);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
