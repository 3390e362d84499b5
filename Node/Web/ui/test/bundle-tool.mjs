// Bundles test/tool.mjs (which imports the page library and, through it, the .proto texts) into dist-test/tool.mjs
// for Node.js. The C# tests (Tests/Node.Tests/WebUi) run this first, so they always test the current sources.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [join(here, 'tool.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node18'],
  outfile: join(here, '..', 'dist-test', 'tool.mjs'),
  loader: { '.proto': 'text' },
  logLevel: 'warning',
});
