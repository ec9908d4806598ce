#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
// Creates tools/parity/.venv with the exact scikit-learn/numpy/scipy pinned in requirements.txt.
// Never uses system site-packages. Idempotent: when the venv already holds every pinned version,
// it does nothing. Usage: node tools/parity/setup.mjs [--force] [--python python3.11] [--status]
//   --status  only print the installed versions (or "missing"); nx hashes this line so a cached
//             `setup` never hides a deleted or changed venv.
import { $, argv, fs, path } from 'zx';

$.verbose = false;
const here = path.dirname(fileURLToPath(import.meta.url));
const venv = path.join(here, '.venv');
const venvPython = path.join(venv, 'bin', 'python');
const reqFile = path.join(here, 'requirements.txt');
const basePython = argv.python ?? process.env.PARITY_PYTHON ?? 'python3';

/** Parses `name==version` lines of requirements.txt into a map. */
export function readPins(file = reqFile) {
  const pins = {};
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^([A-Za-z0-9_.-]+)==([^\s;]+)$/.exec(line);
    if (!m) throw new Error(`requirements.txt: every line must pin name==version, got: ${line}`);
    pins[m[1]] = m[2];
  }
  return pins;
}

/** Returns the installed versions of the pinned distributions in the venv, or null. */
async function installedVersions(pins) {
  if (!fs.existsSync(venvPython)) return null;
  const code = [
    'import json, sys',
    'from importlib import metadata',
    'out = {}',
    'for n in sys.argv[1:]:',
    '    try: out[n] = metadata.version(n)',
    '    except metadata.PackageNotFoundError: out[n] = None',
    'print(json.dumps(out))',
  ].join('\n');
  const r = await $({ nothrow: true })`${venvPython} -c ${code} ${Object.keys(pins)}`;
  if (r.exitCode !== 0) return null;
  return JSON.parse(r.stdout);
}

function mismatches(pins, got) {
  if (!got) return Object.keys(pins);
  return Object.entries(pins)
    .filter(([n, v]) => got[n] !== v)
    .map(([n]) => n);
}

/**
 * Makes sure tools/parity/.venv holds exactly the pinned versions; returns its python path.
 * @param {{force?: boolean, quiet?: boolean}} [opts]
 */
export async function ensureVenv({ force = false, quiet = false } = {}) {
  const pins = readPins();
  let got = force ? null : await installedVersions(pins);
  let bad = mismatches(pins, got);
  if (!force && bad.length === 0) {
    if (!quiet)
      console.log(
        `parity venv ok: ${Object.entries(pins)
          .map(([n, v]) => `${n}==${v}`)
          .join(' ')}`,
      );
    return venvPython;
  }
  // A missing or broken venv (for example after the base Python moved) is rebuilt from scratch.
  if (force || got === null) {
    const ver = (await $`${basePython} -c ${'import sys; print("%d.%d" % sys.version_info[:2])'}`).stdout.trim();
    const [major, minor] = ver.split('.').map(Number);
    if (major < 3 || (major === 3 && minor < 11)) {
      throw new Error(`${basePython} is Python ${ver}; scikit-learn ${pins['scikit-learn']} needs Python >= 3.11 (pass --python or set PARITY_PYTHON)`);
    }
    console.error(`creating ${path.relative(process.cwd(), venv) || venv} with ${basePython} (Python ${ver})`);
    await $`${basePython} -m venv --clear ${venv}`;
  } else {
    console.error(`parity venv needs: ${bad.join(', ')}`);
  }
  // Binary wheels only: a source build of numpy/scipy would take long and could differ in BLAS.
  await $({
    stdio: ['ignore', process.stderr, process.stderr],
  })`${venvPython} -m pip install --disable-pip-version-check --no-input --only-binary=:all: -r ${reqFile}`;
  got = await installedVersions(pins);
  bad = mismatches(pins, got);
  if (bad.length) throw new Error(`parity venv still has wrong versions for: ${bad.join(', ')} (${JSON.stringify(got)})`);
  const info = (
    await $`${venvPython} -c ${'import sys, numpy, sklearn, scipy; print(sys.version.split()[0], numpy.__version__, sklearn.__version__, scipy.__version__)'}`
  ).stdout.trim();
  console.error(`parity venv ready (python numpy sklearn scipy): ${info}`);
  return venvPython;
}

export { venvPython };

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (argv.status) {
    const got = await installedVersions(readPins());
    console.log(
      got
        ? Object.entries(got)
            .map(([n, v]) => `${n}==${v ?? 'missing'}`)
            .join(' ')
        : 'missing',
    );
  } else {
    await ensureVenv({ force: Boolean(argv.force) });
  }
}
