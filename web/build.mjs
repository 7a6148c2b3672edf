// Builds the front end into web/dist: the widget (one minified IIFE), the console (Preact)
// and the demo shop page. Usage: node build.mjs
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'console'), { recursive: true });
mkdirSync(join(dist, 'demo'), { recursive: true });

const common = { bundle: true, minify: true, target: 'es2020', legalComments: 'none', logLevel: 'warning', charset: 'utf8' };
// The widget has a size budget (web/test/size.test.mjs): its strings go without their 'doc'
// entry, its styles minified as CSS.
const lean = {
  name: 'lean-widget',
  setup(b) {
    // {key: {fi, sv, en}} rebuilt at load from the keys and one list per language (smaller
    // gzipped than the object with every language's name repeated); 'doc' left out.
    b.onLoad({ filter: /widget[\\/]strings\.json$/ }, (a) => {
      const { doc, ...s } = JSON.parse(readFileSync(a.path, 'utf8'));
      const keys = Object.keys(s), list = (l) => JSON.stringify(keys.map((k) => s[k][l]));
      return {
        contents: `const k=${JSON.stringify(keys)},f=${list('fi')},s=${list('sv')},e=${list('en')},o={};` +
          'k.forEach((x,i)=>o[x]={fi:f[i],sv:s[i],en:e[i]});export default o;',
        loader: 'js',
      };
    });
    b.onLoad({ filter: /widget[\\/]style\.ts$/ }, async (a) => {
      const src = readFileSync(a.path, 'utf8');
      const css = /`([^`]*)`/.exec(src)[1];
      const min = (await transform(css, { loader: 'css', minify: true })).code.trim();
      return { contents: src.replace(css, () => min.replace(/[`\\$]/g, '\\$&')), loader: 'ts' };
    });
  },
};
// Property names of the widget's own in-memory objects (its state, view, parts and their
// methods), shortened in widget.js. Never a name that also belongs to the protocol, to JSON the
// widget stores, to the DOM or the browser's APIs, to the strings, or to the page's API: those
// must stay as they are (web/test/size.test.mjs and the browser tests keep this honest).
const internal = ['info', 'opensAt', 'lv', 'queueText', 'unread', 'thread', 'pending', 'mailKey',
  'svCard', 'host', 'launchIcon', 'launchText', 'badge', 'panel', 'avatar', 'moLi', 'moBtn', 'err', 'sr', 'tz',
  'tzText', 'tzX', 'lp', 'st', 'conn', 'ui', 'cv', 'asking', 'typingHide', 'showError', 'showStatus',
  'setOpen', 'render', 'stamp', 'bubble', 'keepGreeting', 'byKey', 'merge', 'lastSeq', 'firstSeq', 'restart',
  'sentLast', 'resync', 'setCart', 'fresh', 'onFrame', 'tokenKey', 'onDown', 'moved', 'down',
  'opensLine', 'fName', 'fMail', 'fMsg', 'fOk', 'fBtn', 'bn', 'bText', 'bMail', 'bOk', 'bBtn', 'mb', 'mbText', 'turnedDown',
  'lf', 'dropGreeting', 'update', 'ready', 'root', 'emit', 'ident'];
// The survey is its own file, fetched when a closed chat is to be asked about; its name carries
// its content's hash, so a cached widget.js never meets another build's survey. Both builds
// share the shortened names (mangleCache).
// The guard: none of them may be a word of the protocol (any key in proto/protocol.json) or of
// the widget's strings or a language code, whatever the object it is used on.
{
  const words = new Set(['fi', 'sv', 'en', ...Object.keys(JSON.parse(readFileSync(join(here, 'src/widget/strings.json'), 'utf8')))]);
  const walk = (o) => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) words.add(k), walk(v);
  };
  walk(JSON.parse(readFileSync(join(here, '../proto/protocol.json'), 'utf8')));
  const clash = internal.filter((n) => words.has(n));
  if (clash.length) throw new Error(`widget names that must not be shortened: ${clash.join(', ')}`);
}
const widget = { ...common, format: 'iife', plugins: [lean], mangleProps: new RegExp(`^(${internal.join('|')})$`) };
const chunk = await build({ ...widget, entryPoints: [join(here, 'src/widget/survey_chunk.ts')], write: false, mangleCache: {} });
const chunkName = `widget-survey.${createHash('sha256').update(chunk.outputFiles[0].contents).digest('hex').slice(0, 10)}.js`;
writeFileSync(join(dist, chunkName), chunk.outputFiles[0].contents);
await build({
  ...widget,
  entryPoints: [join(here, 'src/widget/widget.ts')],
  outfile: join(dist, 'widget.js'),
  mangleCache: chunk.mangleCache,
  define: { __SURVEY_CHUNK__: JSON.stringify(chunkName) },
});
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
