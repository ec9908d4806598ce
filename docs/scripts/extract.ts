/**
 * What the generated reference pages say, read from the code itself: the doc comment of each
 * FFNNOptions property (with its `@sklearn` name), the OPTIONS table's default and valid values,
 * the doc comment of each FfnnErrorCode member, and the CLI's own --help text. Shared by
 * generate.ts (writes the pages) and the docs test (fails when something is undocumented).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTION_NAMES, OPTIONS } from '@ffnn/core';
import ts from 'typescript';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OPTIONS_FILE = join(ROOT, 'libs/ffnn/src/options.ts');
const ERRORS_FILE = join(ROOT, 'libs/ffnn/src/errors.ts');

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** The JSDoc of a node: its text (tags removed, whitespace folded) and its tags by name. */
function jsdoc(node: ts.Node, sf: ts.SourceFile): { text: string; tags: Record<string, string> } {
  const docs = (node as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const last = docs[docs.length - 1];
  if (!last) return { text: '', tags: {} };
  const text = (ts.getTextOfJSDocComment(last.comment) ?? '').replace(/\s+/g, ' ').trim();
  const tags: Record<string, string> = {};
  for (const tag of last.tags ?? []) tags[tag.tagName.text] = (ts.getTextOfJSDocComment(tag.comment) ?? '').replace(/\s+/g, ' ').trim();
  void sf;
  return { text, tags };
}

/** Line (1-based) of a node's name in its file. */
const lineOf = (node: ts.Node, sf: ts.SourceFile) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

export interface OptionDoc {
  name: string;
  /** scikit-learn's parameter name, or null for an ffnn extension. */
  sklearn: string | null;
  default: unknown;
  expected: string;
  description: string;
  line: number;
}

/** One entry per OPTIONS key, in the table's order; description '' when the property has no doc comment. */
export function optionDocs(): OptionDoc[] {
  const sf = parse(OPTIONS_FILE);
  const props = new Map<string, { node: ts.PropertySignature }>();
  sf.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === 'FFNNOptions') {
      for (const m of n.members) if (ts.isPropertySignature(m) && ts.isIdentifier(m.name)) props.set(m.name.text, { node: m });
    }
  });
  return OPTION_NAMES.map((name) => {
    const p = props.get(name);
    const doc = p ? jsdoc(p.node, sf) : { text: '', tags: {} };
    const sk = doc.tags.sklearn;
    return {
      name,
      sklearn: sk ? sk.split(/\s+/)[0] : null,
      default: OPTIONS[name].default,
      expected: OPTIONS[name].expected,
      description: doc.text,
      line: p ? lineOf(p.node, sf) : 0,
    };
  });
}

export interface ErrorCodeDoc {
  code: string;
  description: string;
  line: number;
}

/** The members of the FfnnErrorCode union with their doc comments ('' when missing). */
export function errorCodeDocs(): ErrorCodeDoc[] {
  const sf = parse(ERRORS_FILE);
  const out: ErrorCodeDoc[] = [];
  sf.forEachChild((n) => {
    if (!ts.isTypeAliasDeclaration(n) || n.name.text !== 'FfnnErrorCode' || !ts.isUnionTypeNode(n.type)) return;
    let prevEnd = n.type.pos;
    for (const member of n.type.types) {
      if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) continue;
      // a union member's comment stands before its '|', between the previous member and this one
      const between = sf.text.slice(prevEnd, member.getStart(sf));
      prevEnd = member.end;
      const block = between.match(/\/\*\*[\s\S]*?\*\//g)?.pop() ?? '';
      const description = block
        .replace(/^\/\*\*|\*\/$/g, '')
        .split('\n')
        .map((l) => l.replace(/^\s*\*\s?/, ''))
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      out.push({ code: member.literal.text, description, line: lineOf(member, sf) });
    }
  });
  return out;
}

export interface CliCommandDoc {
  name: string;
  summary: string;
  usage: string;
}

/** `ffnn --help` and each listed command's `--help`, from the built CLI under this node. */
export function cliDocs(): { usage: string; commands: CliCommandDoc[] } {
  const bin = join(ROOT, 'apps/cli/bin/ffnn.mjs');
  const help = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`ffnn ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout.trimEnd();
  };
  const usage = help(['--help']);
  const section = usage.split(/^commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
  const commands: CliCommandDoc[] = [];
  for (const line of section.split('\n')) {
    const m = line.match(/^ {2}(\S+)\s+(.*)$/);
    if (m) commands.push({ name: m[1], summary: m[2], usage: '' });
    else if (commands.length) commands[commands.length - 1].summary += ` ${line.trim()}`;
  }
  if (!commands.length) throw new Error('ffnn --help lists no commands (no "commands:" section)');
  for (const c of commands) c.usage = help([c.name, '--help']);
  return { usage, commands };
}
