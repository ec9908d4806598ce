/**
 * The binary model file (version 2, safetensors): round trips, format choice by extension, every
 * check the loader makes (each with its message), refusing non-finite weights, and the numpy-only
 * Python reader from io/README.md run for real in the parity venv.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FfnnError } from '../src/index.ts';
import { loadClassifier, saveModel } from '../src/node.ts';
import { codeOf, ROOT, sinData } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-model-file-'));
const X = sinData(30, 4);
const labels = X.map((_, i) => ['cat', 'dog', 'emu'][i % 3]);
const quiet = { onWarning: () => {}, randomState: 3 };

const multiclass = new FFNNClassifier({ ...quiet, hiddenLayerSizes: [5, 4], activation: ['tanh', 'softplus'], maxIter: 5 }).fit(X, labels);

function expectFormatError(fn: () => unknown, pattern: RegExp, what: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, FfnnError, what);
    assert.is((err as FfnnError).code, 'MODEL_FORMAT', `${what}: ${(err as Error).message}`);
    assert.match((err as Error).message, pattern, what);
    return;
  }
  assert.unreachable(`${what}: expected MODEL_FORMAT`);
}

// ---- small safetensors surgery for the tests: split, edit, re-join, re-hash
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
function split(bytes: Uint8Array): { header: any; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.slice(8 + n) };
}
function join8(header: unknown, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
/** Edits the model description and/or tensors, then fixes both checksums so only the semantic checks can object. */
function edited(bytes: Uint8Array, edit: (model: any, header: any) => Uint8Array | void): Uint8Array {
  const { header, data } = split(bytes);
  const model = JSON.parse(header.__metadata__.model);
  const newData = edit(model, header) ?? data;
  header.__metadata__.model = JSON.stringify(model);
  header.__metadata__.sha256_model = sha(header.__metadata__.model);
  header.__metadata__.sha256_tensors = sha(newData);
  return join8(header, newData);
}

test('binary round trip: float64 and float32, binary, multiclass and multilabel, bit-identical predictions', () => {
  const y2 = X.map((_, i) => (i % 2 ? 'yes' : 'no'));
  const Y = X.map((_, i) => [i % 2, i % 3 === 0 ? 1 : 0]);
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, y] of [
      ['binary', y2],
      ['multiclass', labels],
      ['multilabel', Y],
    ] as const) {
      const clf = new FFNNClassifier({ ...quiet, hiddenLayerSizes: [6], dtype, maxIter: 4 }).fit(X, y as any);
      const path = join(dir, `${name}-${dtype}.ffnn`);
      saveModel(clf, path);
      const back = loadClassifier(path);
      assert.equal(Array.from(back.predictProba(X).data), Array.from(clf.predictProba(X).data), `${name} ${dtype}`);
      assert.equal(back.predict(X), clf.predict(X));
      assert.equal(back.classes, clf.classes);
      assert.equal(back.lossCurve, clf.lossCurve);
      assert.is(back.nIter, clf.nIter);
      assert.is(back.coefs[0].data.constructor, dtype === 'float32' ? Float32Array : Float64Array);
      assert.equal(back.getOptions().hiddenLayerSizes, [6]);
      // in memory too
      assert.equal(Array.from(FFNNClassifier.fromBytes(clf.toBytes()).predictProba(X).data), Array.from(clf.predictProba(X).data));
    }
  }
  assert.equal(
    readdirSync(dir).filter((f) => f.includes('.ffnn-tmp-')),
    [],
  );
});

test('the file is plain safetensors: header length, 8-byte aligned data, metadata, canonical tensors', () => {
  const bytes = multiclass.toBytes();
  const { header, data } = split(bytes);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0);
  assert.equal(Object.keys(header), ['__metadata__', 'coefs.0', 'coefs.1', 'coefs.2', 'intercepts.0', 'intercepts.1', 'intercepts.2']);
  assert.equal(header['coefs.0'], { dtype: 'F64', shape: [4, 5], data_offsets: [0, 160] });
  const meta = header.__metadata__;
  assert.is(meta.format, 'ffnn-model');
  assert.is(meta.format_version, '2');
  assert.is(meta.library, '0.1.0');
  assert.is(meta.sha256_tensors, sha(data));
  assert.is(meta.sha256_model, sha(meta.model));
  const model = JSON.parse(meta.model);
  assert.equal(model.layerSizes, [4, 5, 4, 3]);
  assert.equal(model.activations, ['tanh', 'softplus', 'softmax']);
  assert.equal(model.target, { kind: 'multiclass', classes: ['cat', 'dog', 'emu'] });
  assert.is(model.training.nIter, 5);
  assert.is(model.options.maxIter, 5);
  // weights are the raw little-endian float64s
  assert.is(new DataView(data.buffer).getFloat64(0, true), multiclass.coefs[0].data[0]);
});

test('save picks the format by extension; load goes by content', () => {
  for (const [file, binary] of [
    ['m.json', false],
    ['m.JSON', false],
    ['m.ffnn', true],
    ['m.safetensors', true],
    ['m.model', true],
  ] as const) {
    const path = join(dir, file);
    saveModel(multiclass, path);
    const raw = readFileSync(path);
    assert.is(raw[0] === 0x7b, !binary, file);
    assert.equal(loadClassifier(path).predict(X), multiclass.predict(X));
  }
  // a binary file named .json and a JSON file named .ffnn still load
  writeFileSync(join(dir, 'binary.json'), multiclass.toBytes());
  writeFileSync(join(dir, 'text.ffnn'), JSON.stringify(multiclass.toJSON()));
  assert.equal(loadClassifier(join(dir, 'binary.json')).predict(X), multiclass.predict(X));
  assert.equal(loadClassifier(join(dir, 'text.ffnn')).predict(X), multiclass.predict(X));
});

test('a version 1 JSON file converts to the binary format with identical predictions', () => {
  const v1 = join(dir, 'old.json');
  writeFileSync(v1, JSON.stringify(multiclass.toJSON()));
  assert.is(JSON.parse(readFileSync(v1, 'utf8')).version, 1);
  const converted = join(dir, 'converted.ffnn');
  saveModel(loadClassifier(v1), converted);
  assert.equal(Array.from(loadClassifier(converted).predictProba(X).data), Array.from(multiclass.predictProba(X).data));
});

test('every check the loader makes, with its message', () => {
  const good = multiclass.toBytes();
  const bigLength = (v: bigint) => {
    const b = good.slice();
    new DataView(b.buffer).setBigUint64(0, v, true);
    return b;
  };
  const flip = (at: number) => {
    const b = good.slice();
    b[at] ^= 0x10;
    return b;
  };
  const dataStart = good.length - split(good).data.length;
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /the file is empty/],
    ['4 bytes', good.slice(0, 4), /not an ffnn model file \(4 bytes/],
    ['8 bytes', good.slice(0, 8), /header declares \d+ bytes but only 0 follow/],
    ['truncated header', good.slice(0, 100), /header declares \d+ bytes but only 92 follow the length field \(truncated or corrupt file\)/],
    ['truncated data', good.slice(0, good.length - 3), /run past the \d+ bytes of tensor data \(truncated file\?\)/],
    ['trailing bytes', new Uint8Array([...good, 1, 2, 3]), /\(trailing bytes\)/],
    ['length 2^63', bigLength(1n << 63n), /header declares 9223372036854775808 bytes but only/],
    ['length 2^64-1', bigLength((1n << 64n) - 1n), /header declares 18446744073709551615 bytes/],
    ['length 1', bigLength(1n), /not an ffnn model file|too short|must start with/],
    ['flipped weight byte', flip(dataStart + 5), /the weights do not match their checksum \(sha256_tensors\)/],
    ['flipped last byte', flip(good.length - 1), /sha256_tensors/],
    [
      'edited model, no rehash',
      join8(
        { ...split(good).header, __metadata__: { ...split(good).header.__metadata__, model: split(good).header.__metadata__.model.replace('"cat"', '"cow"') } },
        split(good).data,
      ),
      /the model description does not match its checksum \(sha256_model\)/,
    ],
    [
      'not ffnn',
      edited(good, (_m, h) => void (h.__metadata__.format = 'pytorch')),
      /expected __metadata__.format "ffnn-model", got "pytorch" \(a safetensors file, but not an ffnn model\)/,
    ],
    ['version 3', edited(good, (_m, h) => void (h.__metadata__.format_version = '3')), /unsupported version "3"/],
    [
      'no metadata',
      join8({ 'coefs.0': split(good).header['coefs.0'] }, split(good).data.slice(0, 160)),
      /expected __metadata__.format "ffnn-model", got undefined/,
    ],
    ['layer sizes vs shapes', edited(good, (m) => void (m.layerSizes = [5, 4, 4, 3])), /layerSizes \[5, 4, 4, 3\] need \d+ bytes of F64 weights, the file has/],
    [
      'huge declared layer',
      edited(good, (m) => void (m.layerSizes = [4, 1e9, 4, 3])),
      /layerSizes \[4, 1000000000, 4, 3\] declare \d+ weights, more than \d+ \(what the file holds\)/,
    ],
    ['huge layer count', edited(good, (m) => void (m.layerSizes = Array(5000).fill(1))), /layerSizes must be 2 to 1024 whole numbers/],
    ['fractional size', edited(good, (m) => void (m.layerSizes = [4, 5.5, 4, 3])), /layerSizes must be/],
    ['unknown activation', edited(good, (m) => void (m.activations[1] = 'swish')), /activations must name 3 known activations/],
    ['classes vs outputs', edited(good, (m) => void m.target.classes.push('fox')), /the output layer has 3 units but the target needs 4/],
    ['unsorted classes', edited(good, (m) => void m.target.classes.reverse()), /target.classes must be unique and sorted/],
    ['bad option', edited(good, (m) => void (m.options.solver = 'newton-cg')), /options.solver: expected 'sgd', 'adam' or 'lbfgs', got "newton-cg"/],
    [
      'wrong dtype',
      edited(good, (_m, h) => void ((h['coefs.0'].dtype = 'F32'), (h['coefs.0'].shape = [4, 10]))),
      /tensor "coefs.0" is F32 but the model is float64/,
    ],
    ['unsupported dtype', edited(good, (_m, h) => void (h['coefs.0'].dtype = 'BF16')), /unsupported dtype "BF16"/],
    [
      'transposed shape',
      edited(good, (_m, h) => void (h['coefs.0'].shape = [5, 4])),
      /tensor "coefs.0" has shape \[5, 4\] but layerSizes \[4, 5, 4, 3\] need \[4, 5\]/,
    ],
    ['shape vs bytes', edited(good, (_m, h) => void (h['coefs.0'].shape = [4, 6])), /shape \[4, 6\] of F64 needs 192 bytes but data_offsets give 160/],
    ['huge shape', edited(good, (_m, h) => void (h['coefs.0'].shape = [1e15, 1e15])), /needs .* bytes but data_offsets give 160/],
    ['renamed tensor', edited(good, (_m, h) => void ((h['weights.0'] = h['coefs.0']), delete h['coefs.0'])), /unexpected tensor "weights.0"/],
    ['overlap', edited(good, (_m, h) => void (h['coefs.1'].data_offsets = [0, 160])), /shape \[5, 4\] of F64 needs 160 bytes|overlap or leave a gap/],
    ['offsets past the end', edited(good, (_m, h) => void (h['intercepts.2'].data_offsets = [1e12, 1e12 + 24])), /run past the/],
    ['negative offset', edited(good, (_m, h) => void (h['coefs.0'].data_offsets = [-8, 152])), /data_offsets must be \[begin, end\]/],
    [
      'NaN weight',
      edited(good, (_m) => {
        const d = split(good).data;
        new DataView(d.buffer).setFloat64(8, NaN, true);
        return d;
      }),
      /tensor "coefs.0" holds a non-finite weight \(NaN at index 1\)/,
    ],
    [
      'not UTF-8',
      (() => {
        const b = good.slice();
        b[20] = 0xff;
        return b;
      })(),
      /the header is not valid UTF-8/,
    ],
    [
      'header not JSON',
      (() => {
        const b = good.slice();
        b[9] = 0x7d;
        return b;
      })(),
      /the header is not valid JSON/,
    ],
  ];
  for (const [name, bytes, pattern] of cases) {
    expectFormatError(() => FFNNClassifier.fromBytes(bytes), pattern, name);
    const path = join(dir, `bad-${name.replace(/\W+/g, '-')}.ffnn`);
    writeFileSync(path, bytes);
    // from a file, the message names the file
    expectFormatError(() => loadClassifier(path), new RegExp(`model file ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `), name);
  }
  assert.is(
    codeOf(() => loadClassifier(join(dir, 'missing.ffnn'))),
    'IO_ERROR',
  );
  assert.is(
    codeOf(() => loadClassifier(dir)),
    'IO_ERROR',
  );
  // a file larger than any model: refused from its size, before reading (a sparse file: no disk used)
  const huge = join(dir, 'huge.ffnn');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 3e9);
  closeSync(fd);
  expectFormatError(() => loadClassifier(huge), /3000000000 bytes, larger than any model this library loads/, 'huge file');
  rmSync(huge);
  // a device never ends: refused before reading
  if (existsSync('/dev/zero')) {
    const started = performance.now();
    assert.throws(
      () => loadClassifier('/dev/zero'),
      (err: FfnnError) => err.code === 'IO_ERROR' && /is not a regular file/.test(err.message),
    );
    assert.ok(performance.now() - started < 1000);
  }
});

test('save refuses non-finite weights; an existing good file is untouched', () => {
  const clf = new FFNNClassifier({ ...quiet, hiddenLayerSizes: [3], maxIter: 2 }).fit(X, labels);
  for (const file of ['keep.ffnn', 'keep.json']) {
    const path = join(dir, file);
    saveModel(clf, path);
    const before = readFileSync(path);
    const broken = FFNNClassifier.fromBytes(clf.toBytes());
    broken.coefs[1].data[2] = NaN; // coefs are live views of the weights
    try {
      saveModel(broken, path);
      assert.unreachable('save should refuse');
    } catch (err) {
      assert.is((err as FfnnError).code, 'MODEL_FORMAT');
      assert.match(
        (err as Error).message,
        new RegExp(`refusing to write a model with non-finite weights \\(coefs\\[1\\]\\[2\\] is NaN\\); .*${file} was not changed`),
      );
    }
    assert.equal(readFileSync(path), before, file);
    assert.equal(loadClassifier(path).predict(X), clf.predict(X));
  }
  assert.equal(
    readdirSync(dir).filter((f) => f.includes('.ffnn-tmp-')),
    [],
  );
});

// ---- the numpy-only Python reader from the README, run for real
const python = join(ROOT, 'tools/parity/.venv/bin/python');

function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, 'libs/ffnn/src/io/README.md'), 'utf8');
  const m = readme.match(/<!-- python-snippet:start[^>]*-->\s*```python\n([\s\S]*?)```\s*<!-- python-snippet:end -->/);
  assert.ok(m, 'io/README.md has the python snippet between its markers');
  return m![1];
}

test('the README snippet reads model files with numpy alone and predicts what ffnn predicts', () => {
  assert.ok(existsSync(python), `the parity venv is missing (${python}): run \`node tools/parity/setup.mjs\``);
  const cases: [string, FFNNClassifier, number][] = [
    ['multiclass float64', multiclass, 1e-12],
    [
      'binary float64 relu',
      new FFNNClassifier({ ...quiet, hiddenLayerSizes: [7, 3], maxIter: 20 }).fit(
        X,
        X.map((_, i) => (i % 3 ? 4 : 9)),
      ),
      1e-12,
    ],
    [
      'multilabel float32 logistic',
      new FFNNClassifier({ ...quiet, hiddenLayerSizes: [6], activation: 'logistic', dtype: 'float32', maxIter: 10 }).fit(
        X,
        X.map((_, i) => [i % 2, i % 3 ? 1 : 0]),
      ),
      1e-5,
    ],
    ['softsign identity', new FFNNClassifier({ ...quiet, hiddenLayerSizes: [4, 4], activation: ['softsign', 'identity'], maxIter: 10 }).fit(X, labels), 1e-12],
  ];
  const script = `${readmeSnippet()}
import sys
out = {}
for path in sys.argv[2:]:
    model, coefs, intercepts = load_ffnn(path)
    X = np.array(json.load(open(sys.argv[1])))
    out[path] = {"proba": predict_proba(model, coefs, intercepts, X).tolist(), "predict": predict(model, coefs, intercepts, X).tolist()}
print(json.dumps(out))
`;
  const scriptPath = join(dir, 'snippet.py');
  writeFileSync(scriptPath, script);
  writeFileSync(join(dir, 'X.json'), JSON.stringify(X));
  const paths = cases.map(([name, clf]) => {
    const p = join(dir, `${name.replace(/\W+/g, '-')}.ffnn`);
    saveModel(clf, p);
    return p;
  });
  const r = spawnSync(python, [scriptPath, join(dir, 'X.json'), ...paths], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  cases.forEach(([name, clf, tol], i) => {
    const got = out[paths[i]];
    const want = clf.predictProba(X);
    const flat = (got.proba as number[][]).flat();
    assert.is(flat.length, want.data.length, name);
    let max = 0;
    for (let j = 0; j < flat.length; j++) max = Math.max(max, Math.abs(flat[j] - want.data[j]));
    assert.ok(max <= tol, `${name}: max |diff| ${max} > ${tol}`);
    assert.equal(got.predict, clf.predict(X), name);
  });
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
