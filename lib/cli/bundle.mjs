// The `zonekeeper` command as plain JavaScript, so that running a command
// compiles no TypeScript (issue 15: small commands in under 300 ms; tsx spent
// most of a second compiling lib/ and the generated Prisma client on every
// run). esbuild bundles lib/cli/main.ts with everything it imports (our code,
// the generated Prisma clients, the npm packages; not better-sqlite3, a
// native addon) into lib/generated/cli/zonekeeper.cjs.
//
// Freshness: the bundle's first line records the size and modification time
// of every file of ours it was built from (lib/, the generated clients), of
// this file, and of npm's lockfiles, which stand for the packages: npm
// rewrites node_modules/.package-lock.json whenever it installs. bin/zonekeeper.mjs
// calls loadCli(), which runs the bundle only when all of them are unchanged
// and otherwise builds it again first (a fraction of a second), so an edit
// under lib/ is never served stale. When
// it cannot build (a folder it may not write, a syntax error) it runs the
// TypeScript through tsx, as before the bundle existed, which reports errors
// the usual way. `npm ci` builds it at postinstall (`node lib/cli/bundle.mjs`).
//
// Three things differ from running the sources, each kept equivalent:
// - import.meta.url/dirname/filename in a bundled file still name that source
//   file (lib/setup/migrate.ts finds prisma/migrations from its own folder);
// - Prisma's WebAssembly query compiler, which the generated client imports as
//   a 2.5 MB base64 module (parsing and decoding it took ~100 ms a run), is
//   read from a .wasm file written beside the bundle;
// - V8's compiled code for the bundle is cached beside it after the first run
//   (Node 20 has no module compile cache; vm.Script takes cachedData).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'lib/cli/main.ts');
export const OUT_DIR = path.join(ROOT, 'lib/generated/cli');
export const BUNDLE = path.join(OUT_DIR, 'zonekeeper.cjs');
const HEADER = '//zonekeeper-cli ';
/** Files whose change means a rebuild although esbuild did not read them: this builder, and npm's record of what it installed. */
const EXTRA_INPUTS = [path.relative(ROOT, fileURLToPath(import.meta.url)), 'package-lock.json', 'node_modules/.package-lock.json'];
/** Prisma's query compiler as a base64 module, per database; see prismaWasmFiles. */
const PRISMA_WASM = /^@prisma\/client\/runtime\/query_compiler_bg\.(\w+)\.wasm-base64\.m?js$/;

/**
 * @typedef {{ id: string, inputs: [string, number, number][] }} Header
 *   id: a hash of the bundle's code (names its V8 code cache); inputs: [path from ROOT, mtimeMs, size].
 * @typedef {{ run(argv: string[]): Promise<number> }} Cli
 * @typedef {Cli & { isUsageRequest(argv: string[]): boolean }} Main  lib/cli/main.ts's exports
 */

/** [mtimeMs, size] of a file under ROOT, or [-1, -1] when it is missing. */
function stamp(rel) {
  try {
    const st = fs.statSync(path.join(ROOT, rel));
    return [st.mtimeMs, st.size];
  } catch {
    return [-1, -1];
  }
}

/** The header of the bundle's code when every input is as it was when it was built; otherwise null. */
function currentHeader(code) {
  if (!code.startsWith(HEADER)) return null;
  /** @type {Header} */
  let header;
  try {
    header = JSON.parse(code.slice(HEADER.length, code.indexOf('\n')));
  } catch {
    return null;
  }
  for (const [rel, mtimeMs, size] of header.inputs) {
    const [m, s] = stamp(rel);
    if (m !== mtimeMs || s !== size) return null;
  }
  return header;
}

/** A short hash of `data` (node:crypto is loaded only to build: it costs a command start-up ~10 ms). */
async function shortHash(data) {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Writes `data` to `file` all at once for readers: a process that reads it sees the old file or the new one. */
function writeAtomically(file, data) {
  // Unique among the processes writing at once, each of which writes one file at a time.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * esbuild plugin: our sources are ES modules, the bundle is CommonJS. Where a
 * source reads import.meta, give it the values it would have had unbundled,
 * found from the bundle's own folder at run time (so a moved checkout still
 * works); a bare `__dirname` in an ES module is the global one (the generated
 * Prisma client sets and reads it so), not the bundle's.
 */
function esmSemantics() {
  return {
    name: 'zonekeeper-esm-semantics',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(ROOT + path.sep) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        const file = `require("node:path").join(__dirname, ${JSON.stringify(path.relative(OUT_DIR, args.path))})`;
        const contents = source
          .replace(/(?<![\w$.'"])__dirname\b(?!['"])/g, 'globalThis.__dirname')
          .replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key) =>
            key === 'url' ? `require("node:url").pathToFileURL(${file}).href` : key === 'filename' ? file : `require("node:path").dirname(${file})`,
          );
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * esbuild plugin: the generated client's `import(".../query_compiler_bg.<db>.wasm-base64.mjs")`
 * becomes a module whose `wasm` is the decoded bytes, read from a file written
 * beside the bundle. The generated code passes it to Buffer.from(wasm,
 * 'base64'), which copies a Buffer as it is (the encoding applies to strings
 * only). The files are named by their content, so a bundle never reads
 * another build's.
 */
function prismaWasmFiles() {
  return {
    name: 'zonekeeper-prisma-wasm',
    setup(build) {
      build.onResolve({ filter: PRISMA_WASM }, async (args) => {
        // esbuild's own resolution of the same path, asked for below.
        if (args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
        if (real.errors.length) return { errors: real.errors };
        const text = await fs.promises.readFile(real.path, 'utf8');
        const base64 = /"([A-Za-z0-9+/=]{1000,})"/.exec(text)?.[1];
        if (!base64) return { errors: [{ text: `no base64 WebAssembly in ${real.path}` }] };
        const bytes = Buffer.from(base64, 'base64');
        const name = `query-compiler.${PRISMA_WASM.exec(args.path)[1]}.${await shortHash(bytes)}.wasm`;
        if (!fs.existsSync(path.join(OUT_DIR, name))) writeAtomically(path.join(OUT_DIR, name), bytes);
        return { path: name, namespace: 'zonekeeper-wasm' };
      });
      build.onLoad({ filter: /.*/, namespace: 'zonekeeper-wasm' }, (args) => ({
        contents: `export const wasm = require("node:fs").readFileSync(require("node:path").join(__dirname, ${JSON.stringify(args.path)}));`,
        loader: 'js',
      }));
    },
  };
}

/** Builds the bundle (and its .wasm files) from the current sources. Throws when esbuild reports an error. */
export async function buildBundle() {
  const { build } = await import('esbuild');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of a bundled module becomes a lazy require: vm.Script code (see loadCli) has no dynamic import.
    supported: { 'dynamic-import': false },
    external: ['better-sqlite3', 'pg-native'],
    plugins: [esmSemantics(), prismaWasmFiles()],
    metafile: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  // esbuild escapes non-ASCII characters in code, not in the comments it keeps (a few, from packages), and one is
  // enough for V8 to decode, hold and scan the whole bundle as a two-byte string (reading it took 3x as long).
  const code = result.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // Not each file under node_modules (hundreds of stat calls a run): the lockfiles stand for them.
  const ours = Object.keys(result.metafile.inputs).filter((p) => !p.includes(':') && !p.split('/').includes('node_modules'));
  const rels = [...ours, ...EXTRA_INPUTS];
  const inputs = rels.map((rel) => {
    const [mtimeMs, size] = stamp(rel);
    // Changed since the build started, so esbuild may have read either content: recorded as unknown, built again next
    // time. A file system that keeps whole seconds (or two: FAT) cannot tell "just before" from "during".
    const margin = mtimeMs % 1000 === 0 ? 2000 : 0;
    return [rel, mtimeMs >= started - margin ? -1 : mtimeMs, size];
  });
  /** @type {Header} */
  const header = { id: await shortHash(code), inputs };
  writeAtomically(BUNDLE, `${HEADER}${JSON.stringify(header)}\n${code}`);
  // Code caches and .wasm files of earlier builds.
  const keep = new Set(['zonekeeper.cjs', `zonekeeper.${header.id}.v8cache`, ...[...code.matchAll(/"(query-compiler\.[\w.]+\.wasm)"/g)].map((m) => m[1])]);
  for (const f of fs.readdirSync(OUT_DIR)) if (!keep.has(f) && !f.endsWith('.tmp')) fs.rmSync(path.join(OUT_DIR, f), { force: true });
}

/** The bundle's exports when it is current, compiled with V8's cache when there is one; otherwise null. */
function loadBundle() {
  let code;
  try {
    // The bundle is pure ASCII (buildBundle), so latin1 reads the same text, without UTF-8 decoding (a third faster).
    code = fs.readFileSync(BUNDLE, 'latin1');
  } catch {
    return null;
  }
  const header = currentHeader(code);
  if (!header) return null;
  const cacheFile = path.join(OUT_DIR, `zonekeeper.${header.id}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The wrapper Node gives a CommonJS module.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  const script = new vm.Script(wrapped, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, OUT_DIR);
  /** @type {Main} */
  const main = module.exports;
  return {
    async run(argv) {
      const status = await main.run(argv);
      // Written after a command, so that it holds the functions the command compiled too (the usage text loads none of them).
      if ((!cachedData || script.cachedDataRejected) && !main.isUsageRequest(argv)) {
        try {
          writeAtomically(cacheFile, script.createCachedData());
        } catch {
          // Only slower next time.
        }
      }
      return status;
    },
  };
}

/**
 * The CLI's run() (lib/cli/main.ts): from the bundle, built first when it is
 * missing or stale; from the TypeScript sources through tsx when it cannot be
 * built.
 * @returns {Promise<Cli>}
 */
export async function loadCli() {
  const current = loadBundle();
  if (current) return current;
  try {
    await buildBundle();
    const built = loadBundle();
    if (built) return built;
  } catch {
    // Falls through to tsx, which reports a broken source the usual way.
  }
  const { register } = await import('tsx/esm/api');
  register();
  /** @type {Main} */
  const main = await import(pathToFileURL(ENTRY).href);
  return main;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildBundle();
  console.log(`zonekeeper: built the CLI into ${path.relative(process.cwd(), BUNDLE)}`);
}
