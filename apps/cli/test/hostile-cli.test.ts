/**
 * The ffnn command under attack, as a real process (bin/ffnn.mjs -> node dist/run.js): outputs that are inputs
 * or special files, a full disk, signals during training, stale temporaries, ambiguous data and
 * malformed flags. README's "Reliability" section promises exactly what this file checks: nothing
 * a user owns is lost or overwritten, no answer is silently wrong, every failure is a clear error.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx } from '@ffnn/core/node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeIdxFolder } from './idx-folder.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-hostile-cli-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8', cwd: dir });
const path = (name: string) => join(dir, name);
const temporaries = (folder = dir) => readdirSync(folder).filter((f) => f.includes('.ffnn-tmp-'));

// a 3-class CSV problem whose classes are told apart by the columns a, b, c
const rows = Array.from({ length: 30 }, (_, i) => {
  const c = i % 3;
  return [c === 0 ? 5 : 0.1 * (i % 4), c === 1 ? 5 : 0.2 * (i % 5), c === 2 ? 5 : 0.3 * (i % 2), ['x', 'y', 'z'][c]];
});
writeFileSync(path('data.csv'), `a,b,c,label\n${rows.map((r) => r.join(',')).join('\n')}\n`);
const QUICK = ['train', '--data', 'csv:data.csv', '--hidden', '6', '--max-iter', '60', '--solver', 'adam', '--lr', '0.05'];
assert.is(ffnn(...QUICK, '--out', 'model.ffnn').status, 0);
const modelBytes = readFileSync(path('model.ffnn'));

/** Runs a command expected to fail; checks the exit code, the message and that no stack is shown. */
function fails(args: string[], exit: number, message: RegExp): ReturnType<typeof ffnn> {
  const r = ffnn(...args);
  assert.is(r.status, exit, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, message, args.join(' '));
  assert.not.ok(/at .*\.ts:\d+/.test(r.stderr), `a stack trace: ${r.stderr}`);
  return r;
}

test('an output that is an input or another output is refused before any training', () => {
  const data = readFileSync(path('data.csv'));
  const r = fails([...QUICK, '--out', 'data.csv'], 1, /--out data.csv: is also the input of --data; writing it would destroy that file.*\[OUTPUT_CONFLICT\]/);
  assert.not.match(r.stdout, /epoch/);
  linkSync(path('data.csv'), path('alias.csv')); // the same file under another name
  fails([...QUICK, '--out', 'alias.csv'], 1, /\[OUTPUT_CONFLICT\]/);
  fails([...QUICK, '--out', 'both.json', '--history-out', 'both.json'], 1, /--history-out both.json: is also the output of --out.*\[OUTPUT_CONFLICT\]/);
  fails(['predict', 'model.ffnn', '--data', 'csv:data.csv', '--out', 'model.ffnn'], 1, /--out model.ffnn: is also the input of MODEL.*\[OUTPUT_CONFLICT\]/);
  fails(['report', 'model.ffnn', '--out', './model.ffnn'], 1, /is also the input of MODEL/);
  fails(['export', 'model.ffnn', '--out', 'model.ffnn'], 1, /is also the input of MODEL/);
  assert.equal(readFileSync(path('data.csv')), data);
  assert.equal(readFileSync(path('model.ffnn')), modelBytes);
  assert.not.ok(existsSync(path('both.json')));
});

test('special files, folders and missing folders are refused before training; nothing is replaced', () => {
  mkdirSync(path('folder'));
  spawnSync('mkfifo', [path('pipe')]);
  for (const [out, pattern] of [
    ['/dev/null', /--out \/dev\/null: is a character device; ffnn writes only regular files/],
    [path('pipe'), /is a FIFO \(named pipe\)/],
    [path('folder'), /is a directory; ffnn writes only regular files \(give a file name inside it\)/],
    [path('no-such/m.ffnn'), /the folder .*no-such does not exist \[IO_ERROR\]/],
  ] as const) {
    const r = fails([...QUICK, '--out', out], 1, pattern);
    assert.not.match(r.stdout, /epoch/, `${out}: trained before refusing`);
  }
  // inputs that would block or never end are refused too
  fails([...QUICK, '--config', 'pipe'], 1, /--config pipe: expected a regular file, got a FIFO \(named pipe\) \[IO_ERROR\]/);
  fails([...QUICK, '--config', '/dev/zero'], 1, /--config \/dev\/zero: expected a regular file, got a character device/);
  fails(['report', 'model.ffnn', '--history', 'pipe', '--out', 'r.html'], 1, /--history pipe: expected a regular file, got a FIFO \(named pipe\)/);
  // experiment checks its --out folder before the runs (they take minutes), not after
  fails(['experiment', 'depth', '--out', 'data.csv'], 1, /--out data.csv: cannot create \((EEXIST|ENOTDIR)/);
  mkdirSync(path('exp/report.html'), { recursive: true });
  fails(['experiment', 'depth', '--out', 'exp'], 1, /--out .*exp\/report.html: is a directory/);
  assert.ok(statSync('/dev/null').isCharacterDevice());
  assert.ok(lstatSync(path('pipe')).isFIFO());
  chmodSync(path('folder'), 0o500); // no permission to write in it (root ignores modes, so only when not root)
  if (process.getuid?.() !== 0) fails([...QUICK, '--out', path('folder/m.ffnn')], 1, /cannot write in .*folder/);
  chmodSync(path('folder'), 0o700);
});

test('a symlink is followed and stays a link; the replaced file keeps its permission bits', () => {
  writeFileSync(path('real.ffnn'), 'old');
  chmodSync(path('real.ffnn'), 0o600);
  symlinkSync(path('real.ffnn'), path('link.ffnn'));
  assert.is(ffnn(...QUICK, '--out', 'link.ffnn').status, 0);
  assert.ok(lstatSync(path('link.ffnn')).isSymbolicLink());
  assert.is(statSync(path('real.ffnn')).mode & 0o777, 0o600);
  assert.equal(readFileSync(path('real.ffnn')), modelBytes); // same seed, same model
  symlinkSync(path('nowhere.ffnn'), path('dangling.ffnn'));
  fails([...QUICK, '--out', 'dangling.ffnn'], 1, /a symbolic link to a file that does not exist/);
});

test('a full disk (file-size limit) keeps the old model, names the file and leaves no temporary', () => {
  writeFileSync(path('keep.ffnn'), modelBytes);
  const r = spawnSync(
    'bash',
    ['-c', `ulimit -f 16; exec node ${JSON.stringify(bin)} train --hidden 64 --max-iter 1 --train-size 300 --test-size 50 --out keep.ffnn`],
    { encoding: 'utf8', cwd: dir },
  );
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /could not write keep.ffnn: EFBIG: file too large/);
  assert.equal(readFileSync(path('keep.ffnn')), modelBytes);
  assert.equal(temporaries(), []);
});

test('temporaries left by a killed process are removed by the next write to that folder', () => {
  const stale = '.model.ffnn.ffnn-tmp-999999999-0'; // no such process
  writeFileSync(path(stale), 'half a model');
  assert.is(ffnn('export', 'model.ffnn', '--out', 'copy.ffnn').status, 0);
  assert.not.ok(existsSync(path(stale)));
  assert.equal(readFileSync(path('copy.ffnn')), modelBytes);
});

/** Starts a long training run and resolves once its first epoch is printed. */
function longRun(out: string) {
  const child = spawn('node', [bin, 'train', '--hidden', '128', '--max-iter', '200', '--out', out], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const started = new Promise<void>((resolve) => child.stdout.on('data', (d) => (stdout += d) && /epoch +1 /.test(stdout) && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
  ['SIGHUP', 129],
] as const) {
  test(`${signal} to the ffnn command stops training at a batch boundary: exit ${code}, nothing saved, nothing left running`, async () => {
    const run = longRun('signalled.ffnn');
    await run.started;
    run.child.kill(signal);
    const exit = await run.exited;
    assert.is(exit, code, run.output().stderr);
    assert.match(run.output().stderr, new RegExp(`interrupted by ${signal} after \\d+ complete epochs?; nothing saved \\(signalled.ffnn is as it was\\)`));
    assert.not.ok(existsSync(path('signalled.ffnn')));
    assert.equal(temporaries(), []);
    const orphans = spawnSync('pgrep', ['-f', 'signalled.ffnn'], { encoding: 'utf8' }).stdout.trim();
    assert.is(orphans, '', 'the runtime kept running after the wrapper exited');
  });
}

test('SIGTERM during experiment stops scikit-learn too: exit 143, no report, no python left', async () => {
  const child = spawn('node', [bin, 'experiment', 'all', '--out', 'stopped-experiment'], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // wait for this run's own scikit-learn process (other runs on the machine may have theirs: not
  // ours to check), so the signal lands while it is working
  let ours: { pid: number; args: string }[] = [];
  for (let waited = 0; waited < 60_000 && ours.length === 0; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    ours = descendants(child.pid ?? -1).filter((p) => p.args.includes('parity/experiment.py'));
  }
  assert.ok(ours.length > 0, `scikit-learn never started under this run:\n${stderr}`);
  child.kill('SIGTERM');
  const exit = await new Promise((resolve) => child.on('exit', resolve));
  assert.is(exit, 143, stderr);
  assert.match(stderr, /interrupted by SIGTERM; no report written/);
  assert.not.ok(existsSync(path('stopped-experiment/report.html')));
  await new Promise((r) => setTimeout(r, 300));
  // running or sleeping; a zombie (stat Z) has exited and only waits for init to reap it
  const alive = ours.filter((p) => /^[^Z]/.test(spawnSync('ps', ['-o', 'stat=', '-p', String(p.pid)], { encoding: 'utf8' }).stdout.trim()));
  assert.equal(alive, [], 'scikit-learn kept running after ffnn exited');
});

/** Every process below `root` in the process tree (from ps), with its command line. */
function descendants(root: number): { pid: number; args: string }[] {
  const rows = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const procs = rows
    .map((r) => r.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const found: { pid: number; args: string }[] = [];
  const frontier = [root];
  while (frontier.length) {
    const parent = frontier.pop();
    for (const p of procs) if (p.ppid === parent) found.push({ pid: p.pid, args: p.args }), frontier.push(p.pid);
  }
  return found;
}

test('a runtime killed by SIGKILL is reported with exit 137, and its temporaries are cleaned up later', async () => {
  const run = longRun('killed.ffnn');
  await run.started;
  const runtime = spawnSync('pgrep', ['-P', String(run.child.pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')[0];
  process.kill(Number(runtime), 'SIGKILL');
  assert.is(await run.exited, 137);
  assert.match(run.output().stderr, /the runtime was killed by SIGKILL/);
  assert.not.ok(existsSync(path('killed.ffnn')));
});

test('a test label never seen in training counts as wrong; the model is saved first', () => {
  writeFileSync(path('test-new-label.csv'), 'a,b,c,label\n5,0,0,x\n0,5,0,y\n0,0,5,w\n');
  const r = ffnn(...QUICK, '--test-data', 'csv:test-new-label.csv', '--out', 'scored.ffnn', '--json');
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(Math.abs(report.testAccuracy - 2 / 3) < 1e-12, String(report.testAccuracy)); // x and y right, w unknown
  assert.ok(existsSync(path('scored.ffnn')));
});

test('test images of another size are refused before training', () => {
  const folder = path('idx-mixed');
  mkdirSync(folder);
  writeIdxFolder(folder, 4, 60, 12);
  writeFileSync(join(folder, 't10k-images-idx3-ubyte'), encodeIdx([12, 5, 5], new Array(300).fill(7)));
  const r = fails(
    ['train', '--data', `idx:${folder}`, '--hidden', '4', '--out', 'idx.ffnn'],
    1,
    /rows have 25 features, the model expects 16 \[SHAPE_MISMATCH\]/,
  );
  assert.not.match(r.stdout, /epoch/);
  assert.not.ok(existsSync(path('idx.ffnn')));
});

test('size limits: a CSV or decompressed IDX data past --max-data-bytes is refused before training', () => {
  let r = fails(
    [...QUICK, '--max-data-bytes', '100'],
    1,
    /--data: .*data.csv: the file is [\d,]+ bytes, more than the limit of 100 bytes for a CSV file; raise it with --max-data-bytes, or train on it with --stream, which reads it a chunk at a time in bounded memory \[SIZE_LIMIT\]/,
  );
  assert.not.match(r.stdout, /epoch/);
  const folder = path('idx-small');
  mkdirSync(folder);
  writeIdxFolder(folder, 4, 60, 12); // train images: 60 x 4 x 4 bytes, gzipped
  r = fails(
    ['train', '--data', `idx:${folder}`, '--hidden', '4', '--max-data-bytes', '500'],
    1,
    /limit of 500 bytes for IDX data; raise it with --max-data-bytes, or train on it with --stream, which reads it a chunk at a time in bounded memory \[SIZE_LIMIT\]/,
  );
  assert.not.match(r.stdout, /epoch/);
  assert.is(ffnn('train', '--data', `idx:${folder}`, '--hidden', '4', '--max-iter', '1', '--max-data-bytes', '5000').status, 0);
});

test('columns are matched by name: reordered columns score the same, a renamed one is refused', () => {
  const header = ['c', 'label', 'a', 'b'];
  const reordered = rows.map((r) => [r[2], r[3], r[0], r[1]].join(','));
  writeFileSync(path('reordered.csv'), `${header.join(',')}\n${reordered.join('\n')}\n`);
  const plain = JSON.parse(ffnn('evaluate', 'model.ffnn', '--data', 'csv:data.csv', '--json').stdout);
  const shuffled = JSON.parse(ffnn('evaluate', 'model.ffnn', '--data', 'csv:reordered.csv', '--json').stdout);
  assert.is(shuffled.accuracy, plain.accuracy);
  assert.equal(shuffled.confusion, plain.confusion);
  writeFileSync(path('renamed.csv'), `a,b,d,label\n1,2,3,x\n`);
  fails(
    ['evaluate', 'model.ffnn', '--data', 'csv:renamed.csv'],
    1,
    /the columns do not match the ones the model was trained on \(missing "c"; not in the model "d"\) \[SHAPE_MISMATCH\]/,
  );
  fails(['predict', 'model.ffnn', '--data', 'csv:renamed.csv'], 1, /missing "c"/);
});

test('malformed flags are usage errors (exit 2) that say what is wrong; nothing runs', () => {
  const rows: [string[], RegExp][] = [
    [['train', '--lr', '0.1', '--lr', '0.2'], /--lr is given twice; give it once/],
    [['train', '--hidden', '8', '--hidden-layer-sizes', '9'], /given twice \(as --hidden and --hidden-layer-sizes\)/],
    [['train', '--out', ''], /--out: expected a value, got an empty string/],
    [['train', '--out', '--json'], /--out: expected a value, got the flag --json/],
    [['train', 'model.ffnn'], /train takes no arguments besides flags, got "model.ffnn" \(to save the model, give --out model.ffnn\)/],
    [['train', '--max-iter', '0x10'], /--max-iter: expected a number, got "0x10"/],
    [['train', '--lr', '1_000'], /--lr: expected a number, got "1_000"/],
    [['train', '--train-size', '1e400'], /--train-size: expected a number, got "1e400"/],
    [['train', '--train-size', '1.5'], /--train-size: expected a whole number >= 0, got "1.5"/],
    [['train', '--history-bins', '1e9'], /--history-bins: expected a whole number from 1 to 1000, got "1e9"/],
    [['report', 'model.ffnn', '--out', 'r.html', '--bins', '1000000000'], /--bins: expected a whole number from 1 to 1000/],
    [['train', '--json=maybe'], /--json: expected true or false, got "maybe"/],
  ];
  for (const [args, pattern] of rows) {
    const r = fails(args, 2, pattern);
    assert.not.match(r.stdout, /epoch/);
  }
});

test('--json=false prints text; an error under --json prints a JSON error on stdout', () => {
  const text = ffnn('info', '--json=false');
  assert.is(text.status, 0);
  assert.throws(() => JSON.parse(text.stdout));
  const usage = ffnn('train', '--bogus', '--json');
  assert.is(usage.status, 2);
  assert.equal(JSON.parse(usage.stdout).error, { code: 'USAGE', message: 'unknown flag --bogus (see --help)', exitCode: 2 });
  const data = ffnn('evaluate', 'model.ffnn', '--data', 'csv:renamed.csv', '--json');
  assert.is(data.status, 1);
  const err = JSON.parse(data.stdout).error;
  assert.is(err.code, 'SHAPE_MISMATCH');
  assert.equal(err.details.missing, ['c']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
