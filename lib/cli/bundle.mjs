// The `zonekeeper` command as plain JavaScript, so that running a command
// compiles no TypeScript (issue 15: small commands in under 300 ms; tsx spent
// most of a second compiling lib/ and the generated Prisma client on every
// run). esbuild bundles lib/cli/main.ts with everything it imports (our code,
// the generated Prisma clients, the npm packages; of better-sqlite3 all but its
// native addon) into lib/generated/cli/: zonekeeper.cjs, the entry, and
// chunks that it and they load when a command first needs them.
//
// Chunks: esbuild splits the code at every `import()` (main.ts loads the
// commands, commands.ts each command group, the groups the change service
// and the user store, lib/db.ts the PostgreSQL driver), so `--help` reads a
// few kilobytes instead of 1.7 MB and a read such as `zone list` neither zod
// nor pg; a module shared by two chunks sits in a third one that both load,
// so every module still runs once. esbuild splits ES modules only; each chunk
// is then turned into CommonJS, where an import of another chunk is a
// require() that loadBundle answers (vm.Script code has no dynamic import).
// A build's chunks sit in a folder of its own.
//
// Freshness: the entry's first line records the size and modification time
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
// What differs from running the sources, each kept equivalent:
// - import.meta.url/dirname/filename in a bundled file still name that source
//   file (lib/setup/migrate.ts finds prisma/migrations from its own folder);
// - Prisma's WebAssembly query compiler, which the generated client imports as
//   a 2.5 MB base64 module (parsing and decoding it took ~100 ms a run), is
//   read from a .wasm file written beside the bundle;
// - better-sqlite3's native addon is loaded from the path found when building
//   (sqliteAddon), and zod's `locales` holds English only (zodEnglishOnly);
// - V8's compiled code for each chunk is cached in the build's folder after
//   the first command that works (Node 20 has no module compile cache;
//   vm.Script takes cachedData).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { writeAtomically } from '../bundle-entry.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'lib/cli/main.ts');
export const OUT_DIR = path.join(ROOT, 'lib/generated/cli');
export const BUNDLE = path.join(OUT_DIR, 'zonekeeper.cjs');
const HEADER = '//zonekeeper-cli ';
/** Files whose change means a rebuild although esbuild did not read them: this builder, and npm's record of what it installed. */
const EXTRA_INPUTS = [path.relative(ROOT, fileURLToPath(import.meta.url)), 'package-lock.json', 'node_modules/.package-lock.json'];
/** How long a .wasm file no build uses is kept: a command started before the build may still read it. */
const STALE_AFTER_MS = 60_000;
/** Prisma's query compiler as a base64 module, per database; see prismaWasmFiles. */
const PRISMA_WASM = /^@prisma\/client\/runtime\/query_compiler_bg\.(\w+)\.wasm-base64\.m?js$/;

/**
 * @typedef {{ id: string, inputs: [string, number, number][] }} Header
 *   id: a hash of the build's code (names the folder of its chunks and V8 code caches, buildDir);
 *   inputs: [path from ROOT, mtimeMs, size].
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
  // Chunks are loaded when a command needs them, too late to build them again: they must be there now. buildBundle
  // writes them all before the entry, and removes a build's folder only long after a newer entry replaced it, so
  // the folder stands for them (a check of each chunk cost every command ~2 ms).
  if (!fs.existsSync(buildDir(header.id))) return null;
  return header;
}

/**
 * The folder of one build's chunks and code caches, named by the build's id.
 * esbuild names a chunk by its content before the CommonJS transform, so the
 * same name may hold other code after a change to this file: a folder per
 * build keeps two builds' chunks apart.
 */
function buildDir(id) {
  return path.join(OUT_DIR, id);
}

/** A short hash of `data` (node:crypto is loaded only to build: it costs a command start-up ~10 ms). */
async function shortHash(data) {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
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

/**
 * esbuild plugin: better-sqlite3's JavaScript is bundled like any package, and
 * its native addon is loaded straight from the file the `bindings` package
 * would find, which is found here, once. At run time `bindings` looks for it
 * by trying a dozen paths, each a failed require() with a stack trace, and
 * Node's loader read the package's ten modules one by one: ~20 ms of every
 * command together. The addon is an input of the build (addonInputs): when it
 * moves or changes, the bundle is built again.
 */
function sqliteAddon(addonInputs) {
  return {
    name: 'zonekeeper-sqlite-addon',
    setup(build) {
      build.onResolve({ filter: /^bindings$/ }, (args) => {
        const pkg = path.dirname(args.importer).split(`${path.sep}better-sqlite3${path.sep}`)[0] + `${path.sep}better-sqlite3`;
        if (!args.importer.startsWith(pkg + path.sep)) return undefined;
        const bindings = createRequire(args.importer)('bindings');
        const addon = bindings({ bindings: 'better_sqlite3.node', module_root: pkg, path: true });
        addonInputs.push(path.relative(ROOT, addon));
        return { path: addon, namespace: 'zonekeeper-addon' };
      });
      build.onLoad({ filter: /.*/, namespace: 'zonekeeper-addon' }, (args) => ({
        contents: `module.exports = () => require(require("node:path").join(__dirname, ${JSON.stringify(path.relative(OUT_DIR, args.path))}));`,
        loader: 'js',
      }));
    },
  };
}

/**
 * esbuild plugin: zod's `locales` namespace (z.locales, z.core.locales) holds
 * English only. zod re-exports every language's messages there, half of its
 * 750 KB, which a command that validates (any change) read and ran on each
 * start; it configures English itself (zod/v4/classic/schemas.js imports
 * locales/en.js), and nothing of ours picks another language.
 */
function zodEnglishOnly() {
  return {
    name: 'zonekeeper-zod-english-only',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
        if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/][^\\/]+$/.test(args.importer)) return undefined;
        return { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'zonekeeper-zod-locales' };
      });
      build.onLoad({ filter: /.*/, namespace: 'zonekeeper-zod-locales' }, (args) => ({
        contents: 'export { default as en } from "./en.js";',
        resolveDir: path.dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

/** Builds the bundle (its entry, chunks and .wasm files) from the current sources. Throws when esbuild reports an error. */
export async function buildBundle() {
  const { build, transform } = await import('esbuild');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  /** @type {string[]} */
  const addonInputs = [];
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { zonekeeper: ENTRY },
    bundle: true,
    splitting: true,
    outdir: OUT_DIR,
    chunkNames: '[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pg-native'],
    plugins: [esmSemantics(), prismaWasmFiles(), sqliteAddon(addonInputs), zodEnglishOnly()],
    metafile: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = await Promise.all(
    result.outputFiles.map(async (file) => {
      // An import() of a chunk becomes a lazy require() (vm.Script code has no dynamic import), an import a require().
      // Whitespace and comments go: every command reads its chunks whole (a quarter less to read and scan). Names
      // stay, as in stack traces.
      const cjs = await transform(file.text, {
        format: 'cjs',
        target: 'node20',
        supported: { 'dynamic-import': false },
        legalComments: 'none',
        minifyWhitespace: true,
      });
      // esbuild escapes non-ASCII characters in code, not in the comments it keeps (a few, from packages), and one is
      // enough for V8 to decode, hold and scan a whole chunk as a two-byte string (reading it took 3x as long).
      const code = cjs.code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return { name: path.basename(file.path), code };
    }),
  );
  const entry = files.find((f) => f.name === path.basename(BUNDLE));
  const chunks = files.filter((f) => f !== entry);
  // Not each file under node_modules (hundreds of stat calls a run): the lockfiles stand for them.
  const ours = Object.keys(result.metafile.inputs).filter((p) => !p.includes(':') && !p.split('/').includes('node_modules'));
  const rels = [...ours, ...new Set(addonInputs), ...EXTRA_INPUTS];
  const inputs = rels.map((rel) => {
    const [mtimeMs, size] = stamp(rel);
    // Changed since the build started, so esbuild may have read either content: recorded as unknown, built again next
    // time. A file system that keeps whole seconds (or two: FAT) cannot tell "just before" from "during".
    const margin = mtimeMs % 1000 === 0 ? 2000 : 0;
    return [rel, mtimeMs >= started - margin ? -1 : mtimeMs, size];
  });
  /** @type {Header} */
  const header = { id: await shortHash(files.map((f) => `${f.name}\n${f.code}`).join('\n')), inputs };
  // Chunks first, in a folder of this build's own: a process still running the previous build keeps finding its
  // own. The entry last: once it is there, the build is current.
  fs.mkdirSync(buildDir(header.id), { recursive: true });
  for (const c of chunks) writeAtomically(path.join(buildDir(header.id), c.name), c.code);
  const previous = previousBuildId();
  writeAtomically(BUNDLE, `${HEADER}${JSON.stringify(header)}\n${entry.code}`);
  // Earlier builds, but for the one just replaced: a command that started on it loads its chunks as it goes. The
  // .wasm files this build does not use, once no command still running can need them.
  const keep = new Set([path.basename(BUNDLE), header.id, previous, ...files.flatMap((f) => [...f.code.matchAll(/"(query-compiler\.[\w.]+\.wasm)"/g)].map((m) => m[1]))]);
  for (const f of fs.readdirSync(OUT_DIR)) {
    if (keep.has(f) || f.endsWith('.tmp')) continue;
    const file = path.join(OUT_DIR, f);
    try {
      const st = fs.statSync(file);
      if (st.isDirectory() || st.mtimeMs < started - STALE_AFTER_MS) fs.rmSync(file, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another build.
    }
  }
}

/** The id of the build whose entry is in place now, if there is one. */
function previousBuildId() {
  try {
    const fd = fs.openSync(BUNDLE, 'r');
    try {
      const head = Buffer.alloc(64);
      const text = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)).toString('latin1');
      return /^\/\/zonekeeper-cli \{"id":"(\w+)"/.exec(text)?.[1];
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * One file of the build (the entry or a chunk) as CommonJS through vm.Script,
 * with V8's cached code for it when there is some. `require` answers its
 * imports of other chunks (`./chunk-….cjs`) and everything else as Node would
 * from the bundle's folder, which is also its __dirname (where the .wasm files
 * are, and from where import.meta's replacements name the sources).
 */
function runChunk(filename, code, id, require) {
  const cacheFile = path.join(buildDir(id), `${path.basename(filename)}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The wrapper Node gives a CommonJS module.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename, cachedData });
  const module = { exports: {} };
  const loaded = { module, script, cacheFile, cached: cachedData !== undefined && !script.cachedDataRejected };
  return { loaded, run: () => script.runInThisContext()(module.exports, require, module, filename, OUT_DIR) };
}

/** The bundle's exports when it is current, with a loader for its chunks; otherwise null. */
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
  const nodeRequire = createRequire(BUNDLE);
  /** Chunks by file name, each run once, the first time one asks for it (as Node does for modules). */
  const chunks = new Map();
  const require = Object.assign((id) => {
    if (!id.startsWith('./')) return nodeRequire(id);
    const name = id.slice(2);
    let chunk = chunks.get(name);
    if (!chunk) {
      const file = path.join(buildDir(header.id), name);
      chunk = runChunk(file, fs.readFileSync(file, 'latin1'), header.id, require);
      chunks.set(name, chunk);
      chunk.run();
    }
    return chunk.loaded.module.exports;
  }, nodeRequire);
  const entry = runChunk(BUNDLE, code, header.id, require);
  entry.run();
  /** @type {Main} */
  const main = entry.loaded.module.exports;
  return {
    async run(argv) {
      const status = await main.run(argv);
      // Written after a command that worked, so that a chunk's cache holds the functions the command compiled
      // too; the usage text loads none of them, and a failure (a typo, a missing zone) only some.
      if (status === 0 && !main.isUsageRequest(argv)) {
        for (const { loaded } of [entry, ...chunks.values()]) {
          if (loaded.cached) continue;
          try {
            writeAtomically(loaded.cacheFile, loaded.script.createCachedData());
          } catch {
            // Only slower next time.
          }
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
