// How ffnn's tests and benchmarks start a real browser: Debian's Chromium (scripts/setup-chromium.sh
// installs it), headless, with the flags that keep it from reaching the network or the user's
// profile. One copy here so that a flag added for one test (or a CHROMIUM override) holds for all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium binary: `$CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Flags every run gets: no sandbox (CI runs as root), no GPU, nothing fetched in the background. */
export const CHROMIUM_FLAGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--force-device-scale-factor=1',
  '--hide-scrollbars',
]);

/** Throws a message that says how to get Chromium when it is missing. */
export function requireChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/setup-chromium.sh (or set CHROMIUM)`);
  return CHROMIUM;
}

/**
 * Launches headless Chromium under playwright-core. `args` are added to CHROMIUM_FLAGS.
 * @param {{ args?: string[], timeout?: number }} [options]
 */
export async function launchChromium(options = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: requireChromium(),
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
    timeout: options.timeout ?? 60_000,
  });
}

/**
 * Runs `chromium --headless <args> <url>` once in a throwaway profile and returns the process result
 * (for `--dump-dom` or `--screenshot`, where no automation is needed).
 * @param {string[]} args
 * @param {string} url
 * @param {{ timeout?: number }} [options]
 */
export function runChromium(args, url, options = {}) {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'ffnn-chromium-'));
  try {
    return spawnSync(CHROMIUM, ['--headless', ...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args, url], {
      encoding: 'utf8',
      timeout: options.timeout ?? 90_000,
      maxBuffer: 64 << 20,
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Loads `url` with `--dump-dom` (scripts run for up to `budgetMs` of virtual time) and returns the
 * decoded text of the element with id `id`.
 * @param {string} url
 * @param {string} id
 * @param {{ budgetMs?: number, timeout?: number }} [options]
 */
export function dumpElementText(url, id, options = {}) {
  const r = runChromium([`--virtual-time-budget=${options.budgetMs ?? 20_000}`, '--dump-dom'], url, options);
  if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${String(r.stderr ?? '').slice(-500)}`);
  const m = r.stdout.match(new RegExp(`<[a-z]+ id="${id}"[^>]*>([\\s\\S]*?)</[a-z]+>`));
  if (!m) throw new Error(`no element #${id} in the page Chromium rendered`);
  return m[1]
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
