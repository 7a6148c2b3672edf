// Builds the front end into web/dist: the widget (one minified IIFE), the console (Preact)
// and the demo shop page. Usage: node build.mjs
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'console'), { recursive: true });
mkdirSync(join(dist, 'demo'), { recursive: true });

const common = { bundle: true, minify: true, target: 'es2020', legalComments: 'none', logLevel: 'warning', charset: 'utf8' };
await build({ ...common, entryPoints: [join(here, 'src/widget/widget.ts')], outfile: join(dist, 'widget.js'), format: 'iife' });
await build({
  ...common,
  entryPoints: [join(here, 'src/console/main.tsx')],
  outfile: join(dist, 'console/app.js'),
  format: 'iife',
  jsx: 'automatic',
  jsxImportSource: 'preact',
});
cpSync(join(here, 'src/console/index.html'), join(dist, 'console/index.html'));
cpSync(join(here, 'src/console/app.css'), join(dist, 'console/app.css'));
cpSync(join(here, 'src/demo'), join(dist, 'demo'), { recursive: true });  // every page of the demo shop
