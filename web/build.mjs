// Builds the front end into web/dist: the widget (one minified IIFE), the console (Preact)
// and the demo shop page. Usage: node build.mjs
import { build, transform } from 'esbuild';
import { minify as terse } from 'terser';
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
// The widget has a size budget (web/test/size.test.mjs): its styles minified as CSS, and in the
// chat's file its strings go without their 'doc' entry. widget.js itself imports only the
// launcher's two strings by name, which esbuild's JSON loader keeps alone (tree shaking).
const leanCss = {
  name: 'lean-css',
  setup(b) {
    b.onLoad({ filter: /widget[\\/]\w*style\.ts$/ }, async (a) => {
      const src = readFileSync(a.path, 'utf8');
      const css = /`([^`]*)`/.exec(src)[1];
      const min = (await transform(css, { loader: 'css', minify: true })).code.trim();
      return { contents: src.replace(css, () => min.replace(/[`\\$]/g, '\\$&')), loader: 'ts' };
    });
  },
};
const leanStrings = {
  name: 'lean-strings',
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
// widget.js is what every page view loads (launcher, socket, tracking); the chat is its own file,
// fetched when first needed, the conversions another (when the page reports one), and the survey
// a third, fetched by the chat when a closed chat is to be asked about. Each chunk's name carries its content's hash, so a cached widget.js never
// meets another build's chunk (they are served as immutable). All builds share the shortened
// names (mangleCache, passed along).
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
const widget = { ...common, format: 'iife', mangleProps: new RegExp(`^(${internal.join('|')})$`) };
// esbuild's output once more through terser's compressor (three passes): 3 % less, gzipped, of
// what every page view of every shop loads. It renames only local variables.
const finish = async (r) => (await terse(r.outputFiles[0].text, { ecma: 2020, compress: { passes: 3 }, mangle: true })).code;
// Builds one chunk; returns its file name and the names shortened so far.
const chunk = async (entry, kind, mangleCache, define = {}) => {
  const r = await build({ ...widget, plugins: [leanCss, leanStrings], entryPoints: [join(here, entry)], write: false, mangleCache, define });
  const js = await finish(r);
  const name = `widget-${kind}.${createHash('sha256').update(js).digest('hex').slice(0, 10)}.js`;
  writeFileSync(join(dist, name), js);
  return [name, r.mangleCache];
};
const [surveyName, m1] = await chunk('src/widget/survey_chunk.ts', 'survey', {});
const [chatName, m2] = await chunk('src/widget/chat_chunk.ts', 'chat', m1, { __SURVEY_CHUNK__: JSON.stringify(surveyName) });
const [convertName, m3] = await chunk('src/widget/convert_chunk.ts', 'convert', m2);
writeFileSync(join(dist, 'widget.js'), await finish(await build({
  ...widget,
  plugins: [leanCss],
  entryPoints: [join(here, 'src/widget/widget.ts')],
  write: false,
  mangleCache: m3,
  define: { __CHAT_CHUNK__: JSON.stringify(chatName), __CONVERT_CHUNK__: JSON.stringify(convertName) },
})));
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
