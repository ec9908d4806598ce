/**
 * The atomic writer's rules (io/atomic.ts), each tried on real files: special files and folders are
 * refused, a symlink is followed and stays a link, the replaced file keeps its mode, temporaries of
 * a killed process are removed on the next write, and a failed write leaves the old file as it was.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier } from '../src/index.ts';
import { checkWritable, removeStaleTemporaries, writeFileAtomic } from '../src/io/atomic.ts';
import { loadClassifier, saveModel } from '../src/node.ts';
import { codeOf, sinData } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-output-'));
const X = sinData(12);
const y = X.map((_, i) => i % 3);
const clf = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 2, randomState: 0, onWarning: () => {} }).fit(X, y);

test('a directory, a FIFO and a device are refused with OUTPUT_CONFLICT, and stay what they were', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  assert.is(
    codeOf(() => saveModel(clf, folder)),
    'OUTPUT_CONFLICT',
  );
  assert.ok(statSync(folder).isDirectory());
  const fifo = join(dir, 'pipe');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0);
  assert.is(
    codeOf(() => writeFileAtomic(fifo, 'x')),
    'OUTPUT_CONFLICT',
  );
  assert.ok(lstatSync(fifo).isFIFO());
  assert.is(
    codeOf(() => saveModel(clf, '/dev/null')),
    'OUTPUT_CONFLICT',
  );
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still the null device');
  assert.is(
    codeOf(() => checkWritable('/dev/null', '--out')),
    'OUTPUT_CONFLICT',
  );
});

test('a symlink is followed: the file it points to is replaced and the link stays a link', () => {
  const real = join(dir, 'real.ffnn');
  writeFileSync(real, 'old');
  const link = join(dir, 'link.ffnn');
  symlinkSync(real, link);
  saveModel(clf, link);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.is(readlinkSync(link), real);
  assert.equal(loadClassifier(real).predict(X), clf.predict(X));
  const dangling = join(dir, 'dangling.ffnn');
  symlinkSync(join(dir, 'nowhere', 'x.ffnn'), dangling);
  assert.is(
    codeOf(() => saveModel(clf, dangling)),
    'OUTPUT_CONFLICT',
  );
});

test('the replaced file keeps its permission bits; a new file gets the usual ones', () => {
  const path = join(dir, 'private.ffnn');
  writeFileSync(path, 'old');
  chmodSync(path, 0o600);
  saveModel(clf, path);
  assert.is(statSync(path).mode & 0o777, 0o600);
  const fresh = join(dir, 'fresh.json');
  saveModel(clf, fresh);
  assert.is(statSync(fresh).mode & 0o777, 0o666 & ~process.umask());
});

test('an empty path and a missing folder fail before anything is written', () => {
  assert.is(
    codeOf(() => saveModel(clf, '')),
    'INVALID_PARAM',
  );
  assert.is(
    codeOf(() => saveModel(clf, join(dir, 'no-such-folder', 'm.ffnn'))),
    'IO_ERROR',
  );
  assert.is(
    codeOf(() => checkWritable(join(dir, 'no-such-folder', 'm.ffnn'))),
    'IO_ERROR',
  );
});

test('temporaries left by a process that is gone are removed on the next write; a live one is kept', () => {
  const folder = join(dir, 'stale');
  mkdirSync(folder);
  // a pid that cannot be running: above the kernel's pid_max
  const deadPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
  const stale = `.m.ffnn.ffnn-tmp-${deadPid}-0`;
  const mine = `.m.ffnn.ffnn-tmp-${process.pid}-999`;
  writeFileSync(join(folder, stale), new Uint8Array(4096));
  writeFileSync(join(folder, mine), 'in use');
  writeFileSync(join(folder, 'user-file.tmp'), 'not ours');
  saveModel(clf, join(folder, 'm.ffnn'));
  const left = readdirSync(folder).sort();
  assert.equal(left, [mine, 'm.ffnn', 'user-file.tmp'].sort());
  assert.equal(removeStaleTemporaries(folder), []);
});

test('a write that fails leaves the old file untouched and no temporary behind', () => {
  if (process.getuid?.() === 0) {
    // root writes through permission bits; a read-only folder cannot be made to fail here, so use a
    // file-size limit instead: a child process that may write at most 1 KiB (ulimit -f) saves a
    // 100 KiB model over an existing one
    const folder = join(dir, 'limited');
    mkdirSync(folder);
    const target = join(folder, 'big.ffnn');
    writeFileSync(target, 'the old model');
    const script = `import { writeFileAtomic } from ${JSON.stringify(join(import.meta.dirname ?? __dirname, '../src/io/atomic.ts'))};
try { writeFileAtomic(${JSON.stringify(target)}, new Uint8Array(100 * 1024)); console.log('written'); } catch (e) { console.log(e.code, e.message); }`;
    const runner = join(folder, 'run.ts');
    writeFileSync(runner, script);
    const bun = join(import.meta.dirname ?? __dirname, '../../../node_modules/.bin/bun');
    const r = spawnSync('bash', ['-c', `ulimit -f 1; trap '' XFSZ; exec ${JSON.stringify(bun)} ${JSON.stringify(runner)}`], { encoding: 'utf8' });
    assert.match(r.stdout, /IO_ERROR save: could not write .*big.ffnn/, r.stdout + r.stderr);
    assert.is(readFileSync(target, 'utf8'), 'the old model');
    assert.equal(readdirSync(folder).sort(), ['big.ffnn', 'run.ts']);
  } else {
    const folder = join(dir, 'readonly');
    mkdirSync(folder);
    writeFileSync(join(folder, 'm.ffnn'), 'the old model');
    chmodSync(folder, 0o500);
    assert.is(
      codeOf(() => saveModel(clf, join(folder, 'm.ffnn'))),
      'IO_ERROR',
    );
    chmodSync(folder, 0o700);
    assert.is(readFileSync(join(folder, 'm.ffnn'), 'utf8'), 'the old model');
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
