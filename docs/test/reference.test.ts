/**
 * The docs check: the API reference and the generated pages leave nothing undocumented. Every
 * export of the public entries (@ffnn/core, /node, /backend, /data, @ffnn/viz, @ffnn/parity),
 * with the methods and accessors of exported classes, has a doc comment (TypeDoc's
 * notDocumented validation, warnings as errors); every OPTIONS entry has a description, and its
 * scikit-learn name is a real parameter of the pinned scikit-learn; every error code and CLI
 * command has its text. The validation is first tried on a made-up entry with an undocumented
 * export, so a check that reports nothing cannot pass for a tree that is fully documented.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPTION_NAMES } from '@ffnn/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliDocs, errorCodeDocs, optionDocs, ROOT } from '../scripts/extract.ts';

const TYPEDOC = join(ROOT, 'node_modules/typedoc/bin/typedoc');
const CONFIG = join(ROOT, 'docs/typedoc.json');
/** Without the terminal's colour escapes (ESC [ ... m; built from the code point: no control character in a regex literal). */
const plain = (s: string) => s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

/** TypeDoc's validation over an options file, nothing emitted; the undocumented reflections it names. */
function validate(config: string): { status: number | null; undocumented: string[]; output: string } {
  const r = spawnSync(process.execPath, [TYPEDOC, '--options', config, '--emit', 'none', '--logLevel', 'Warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = plain(`${r.stdout}${r.stderr}`);
  const undocumented = output.split('\n').filter((l) => l.includes('does not have any documentation'));
  return { status: r.status, undocumented, output };
}

test('the check fails on an entry with an undocumented export (self-test of the validation settings)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-docs-check-'));
  try {
    writeFileSync(join(dir, 'entry.ts'), '/** documented */\nexport const a = 1;\nexport function undocumentedExport(): number {\n  return 2;\n}\n');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@ffnn/core', version: '0.0.0' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler' }, include: ['entry.ts'] }),
    );
    const real = JSON.parse(readFileSync(CONFIG, 'utf8'));
    const probe = {
      ...real,
      entryPoints: [join(dir, 'entry.ts')],
      tsconfig: join(dir, 'tsconfig.json'),
      readme: 'none',
      projectDocuments: [],
      out: join(dir, 'out'),
    };
    delete probe.$schema;
    writeFileSync(join(dir, 'typedoc.json'), JSON.stringify(probe));
    const { status, undocumented, output } = validate(join(dir, 'typedoc.json'));
    assert.ok(status !== 0, `typedoc exited 0 on an undocumented export:\n${output}`);
    assert.equal(undocumented.length, 1, output);
    assert.match(undocumented[0], 'undocumentedExport');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every export of the public entries (and every method and accessor of their classes) has a doc comment', () => {
  const { status, undocumented, output } = validate(CONFIG);
  assert.equal(undocumented, [], `undocumented:\n${undocumented.join('\n')}`);
  assert.is(status, 0, output);
});

test('every OPTIONS entry has a description (the doc comment of its FFNNOptions property)', () => {
  const docs = optionDocs();
  assert.equal(
    docs.map((o) => o.name),
    OPTION_NAMES,
  );
  const missing = docs.filter((o) => o.description.length < 10).map((o) => o.name);
  assert.equal(missing, [], `options without a description on FFNNOptions: ${missing.join(', ')}`);
  const noExpected = docs.filter((o) => !o.expected).map((o) => o.name);
  assert.equal(noExpected, []);
});

test("each @sklearn name is a parameter of the pinned scikit-learn's MLPClassifier or MLPRegressor, and each of theirs maps to an option", () => {
  const python = join(ROOT, 'tools/parity/.venv/bin/python');
  const script =
    'import json\nfrom sklearn.neural_network import MLPClassifier, MLPRegressor\nprint(json.dumps(sorted(set(MLPClassifier().get_params()) | set(MLPRegressor().get_params()))))';
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  assert.is(r.status, 0, `the parity venv's python (scripts/provision.sh makes it): ${r.error?.message ?? r.stderr}`);
  const sklearn: string[] = JSON.parse(r.stdout);
  const docs = optionDocs();
  const named = docs.filter((o) => o.sklearn);
  const unknown = named.filter((o) => !sklearn.includes(o.sklearn!)).map((o) => `${o.name} -> ${o.sklearn}`);
  assert.equal(unknown, [], `@sklearn names scikit-learn does not have: ${unknown.join(', ')}`);
  const unmapped = sklearn.filter((p) => !named.some((o) => o.sklearn === p));
  assert.equal(unmapped, [], `scikit-learn parameters with no option tagged @sklearn: ${unmapped.join(', ')}`);
});

test('every error code (member of FfnnErrorCode) has a doc comment', () => {
  const codes = errorCodeDocs();
  assert.ok(codes.length >= 10, `found ${codes.length} codes`);
  const missing = codes.filter((c) => c.description.length < 10).map((c) => c.code);
  assert.equal(missing, [], `error codes without a doc comment in errors.ts: ${missing.join(', ')}`);
});

test('every command ffnn --help lists has a summary and its own usage text', () => {
  const { commands } = cliDocs();
  assert.ok(commands.length >= 8, commands.map((c) => c.name).join(' '));
  for (const c of commands) {
    assert.ok(c.summary.length > 10, `${c.name}: summary`);
    assert.match(c.usage, new RegExp(`^usage: ffnn ${c.name}\\b`, 'm'), `ffnn ${c.name} --help`);
  }
});

test.run();
