import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const names = process.argv[2];
const r = await build({ entryPoints: ['src/widget/widget.ts'], bundle: true, minify: true, target: 'es2020', format: 'iife', write: false, charset: 'utf8', legalComments: 'none',
  mangleProps: names ? new RegExp('^(' + names + ')$') : undefined });
const b = r.outputFiles[0].contents;
console.log(b.length, gzipSync(b, { level: 9 }).length);
