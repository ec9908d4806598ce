/**
 * Writes the generated reference pages into dist/docs-pages/ (TypeDoc's projectDocuments pick
 * them up): options.md from the OPTIONS table and the FFNNOptions doc comments, errors.md from
 * FfnnErrorCode's members, cli.md from the built CLI's --help. Nothing here is typed by hand:
 * change the code and the pages follow. Run by `nx run docs:build` before TypeDoc.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliDocs, errorCodeDocs, optionDocs, ROOT } from './extract.ts';

const OUT = join(ROOT, 'dist', 'docs-pages');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const show = (v: unknown) => (typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v)));

function optionsPage(): string {
  const rows = optionDocs().map(
    (o) => `| ${[code(o.name), o.sklearn ? code(o.sklearn) : '(ffnn)', code(show(o.default)), cell(o.expected), cell(o.description)].join(' | ')} |`,
  );
  return `---
title: Options
group: Reference
---
# Options

Every option of \`FFNNClassifier\` and \`FFNNRegressor\`, in the order of the \`OPTIONS\` table in
\`libs/ffnn/src/options.ts\`. The default and the valid values come from that table (the same
text an \`INVALID_PARAM\` error quotes), the description from the option's doc comment on
\`FFNNOptions\`, the scikit-learn name from its \`@sklearn\` tag; "(ffnn)" marks ffnn's
extensions. The defaults are \`MLPClassifier\`'s; \`FFNNRegressor\` takes the same options with
\`MLPRegressor\`'s defaults. On the command line each option is a flag in kebab-case
(\`hiddenLayerSizes\` is \`--hidden-layer-sizes\`); see [the CLI](cli.md).

| option | scikit-learn | default | valid values | description |
|---|---|---|---|---|
${rows.join('\n')}
`;
}

function errorsPage(): string {
  const rows = errorCodeDocs().map((e) => `| ${code(e.code)} | ${cell(e.description)} |`);
  return `---
title: Error codes
group: Reference
---
# Error codes

Every error ffnn throws is an \`FfnnError\` whose \`code\` is one of these (the members of
\`FfnnErrorCode\` in \`libs/ffnn/src/errors.ts\`, described by their doc comments). Switch on
\`code\`, never on the message; \`details\` carries the parameter, what was expected and what was
given. The \`ffnn\` command prints the code in brackets and exits 1 for all of them (2 for a usage
error, 70 for a bug in ffnn).

| code | when |
|---|---|
${rows.join('\n')}
`;
}

function cliPage(): string {
  const { usage, commands } = cliDocs();
  const sections = commands.map((c) => `## ffnn ${c.name}\n\n${c.summary}\n\n\`\`\`text\n${c.usage}\n\`\`\`\n`);
  return `---
title: Command line
group: Reference
---
# The ffnn command

\`npm install @ffnn/cli\` installs \`ffnn\`; it runs under plain \`node\` (Bun and Deno work too).
This page is the command's own \`--help\` output, captured when the docs were built.

\`\`\`text
${usage}
\`\`\`

${sections.join('\n')}`;
}

mkdirSync(OUT, { recursive: true });
const pages = { 'options.md': optionsPage(), 'errors.md': errorsPage(), 'cli.md': cliPage() };
for (const [name, text] of Object.entries(pages)) writeFileSync(join(OUT, name), text);
console.log(
  `docs: wrote ${Object.keys(pages)
    .map((p) => `dist/docs-pages/${p}`)
    .join(', ')}`,
);
