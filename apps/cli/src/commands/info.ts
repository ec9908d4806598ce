/** `ffnn info`: versions, runtime and the active backend. */
import { VERSION } from '../../../../libs/ffnn/src/index.ts';
import { parseArgs } from '../flags.ts';

export function info(argv: string[]): number {
  const args = parseArgs(argv, { json: 'boolean', help: 'boolean' });
  if (args.flags.help) {
    console.log('usage: ffnn info [--json]\n\nPrints the library version, the runtime and the active backend.');
    return 0;
  }
  const runtime = typeof (globalThis as any).Bun !== 'undefined' ? `bun ${(globalThis as any).Bun.version}` : `node ${process.version}`;
  const report = { version: VERSION, runtime, platform: `${process.platform}-${process.arch}`, backend: 'js' };
  if (args.flags.json) console.log(JSON.stringify(report));
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(10)} ${v}`);
  return 0;
}

