// Builds the node's pages into dist/: one bundle per page (esbuild, minified, no external requests at run time),
// the HTML and the style sheet copied as they are. The node embeds dist/ (VoteChain.Node.csproj) and serves it on
// its web endpoint. The .proto files come from the repository's Protos/ folder, so the page and the node read and
// write the same messages.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = join(here, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const pages = readdirSync(join(src, 'pages')).filter((f) => f.endsWith('.js')).map((f) => join(src, 'pages', f));
await build({
  entryPoints: pages,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  outdir: out,
  loader: { '.proto': 'text' },
  legalComments: 'linked',
  logLevel: 'warning',
});

for (const file of readdirSync(src)) {
  if (file.endsWith('.html') || file.endsWith('.css') || file.endsWith('.svg')) {
    cpSync(join(src, file), join(out, file));
  }
}
