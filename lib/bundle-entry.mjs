// Runs a TypeScript entry point of ours (the DNS worker, lib/worker/main.ts)
// as plain JavaScript: esbuild bundles it with the code of ours it imports
// into one ES module under lib/generated/run/, the npm packages left to Node,
// and Node runs that. Through tsx the same worker cost 37 MB more (tsx
// compiles in a loader thread of its own) and, after an edit, kept esbuild's
// helper process alive beside it for 21 MB more (measured 2026-12-05/06).
//
//   node lib/bundle-entry.mjs lib/worker/main.ts     what `npm run worker` runs
//   bundledEntry('lib/worker/answer-thread.ts')       a bundle's file URL, for a worker thread
//
// Freshness: a manifest beside the bundle records the size and modification
// time of every file the bundle was built from, of this file and of npm's
// lockfiles (which stand for the packages); when any differs the bundle is
// built again first (a fraction of a second), so an edit is never run stale.
// A bundle is named by a hash of its code, so a process started before a
// rebuild keeps the file it loaded. Where it cannot build or write (a folder
// it may not write, a syntax error), it runs the sources through tsx, as
// before, which reports errors the usual way.
//
// import.meta in a bundled source keeps its unbundled values: the URL, folder
// and file name of that source (lib/setup/migrate.ts finds prisma/migrations
// from its own folder), found relative to the bundle at run time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'lib/generated/run');
/** Files whose change means a rebuild although esbuild did not read them. */
const EXTRA_INPUTS = [path.relative(ROOT, fileURLToPath(import.meta.url)), 'package-lock.json', 'node_modules/.package-lock.json'];
/** A bundle no manifest names is removed after this long: a process may still be about to load it. */
const STALE_AFTER_MS = 10 * 60_000;

/** @param {string} rel a path from ROOT @returns {[string, number, number]} */
function stamp(rel) {
  try {
    const st = fs.statSync(path.join(ROOT, rel));
    return [rel, st.mtimeMs, st.size];
  } catch {
    return [rel, -1, -1];
  }
}

/**
 * Writes `data` to `file` all at once for readers: a process that reads it sees the old file or
 * the new one (the temporary name is unique among the processes writing at once).
 * @param {string} file @param {string | Uint8Array} data
 */
export function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** esbuild plugin: import.meta in each source of ours as it would be unbundled (see above). */
function sourceImportMeta() {
  return {
    name: 'zonekeeper-source-import-meta',
    /** @param {any} build */
    setup(build) {
      build.onLoad({ filter: /\.(ts|mjs)$/ }, async (/** @type {{ path: string }} */ args) => {
        if (!args.path.startsWith(ROOT + path.sep) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        const url = `new URL(${JSON.stringify(path.relative(OUT_DIR, args.path).split(path.sep).join('/'))}, import.meta.url)`;
        const contents = source.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key) =>
          key === 'url' ? `${url}.href` : key === 'filename' ? `__zkFileOf(${url})` : `__zkDirOf(${url})`,
        );
        return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

const BANNER = [
  "import { fileURLToPath as __zkToPath } from 'node:url';",
  'const __zkFileOf = (u) => __zkToPath(u);',
  "const __zkDirOf = (u) => __zkToPath(new URL('.', u)).replace(/[\\\\/]$/, '');",
].join('\n');

/** The manifest of `entry`'s bundle, when every input is as it was when it was built; else null. @param {string} manifest */
function currentBundle(manifest) {
  try {
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    const fresh = m.inputs.every((/** @type {[string, number, number]} */ [rel, mtime, size]) => {
      const [, t, s] = stamp(rel);
      return t === mtime && s === size;
    });
    return fresh && fs.existsSync(path.join(OUT_DIR, m.bundle)) ? path.join(OUT_DIR, m.bundle) : null;
  } catch {
    return null;
  }
}

/**
 * The file URL of `entry`'s bundle (a path from the project's root), built
 * first when it is missing or stale; null when it cannot be built.
 * @param {string} entry
 * @returns {Promise<URL | null>}
 */
export async function bundledEntry(entry) {
  const name = entry.replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  const manifest = path.join(OUT_DIR, `${name}.json`);
  const current = currentBundle(manifest);
  if (current) return pathToFileURL(current);
  /** @type {any} */
  let esbuild;
  try {
    esbuild = await import('esbuild');
    const built = await esbuild.build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      absWorkingDir: ROOT,
      write: false,
      metafile: true,
      banner: { js: BANNER },
      plugins: [sourceImportMeta()],
      logLevel: 'silent',
    });
    const code = built.outputFiles[0].contents;
    const bundle = `${name}-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    fs.mkdirSync(OUT_DIR, { recursive: true });
    if (!fs.existsSync(path.join(OUT_DIR, bundle))) writeAtomically(path.join(OUT_DIR, bundle), code);
    const inputs = [...Object.keys(built.metafile.inputs).map((p) => path.relative(ROOT, path.resolve(ROOT, p))), ...EXTRA_INPUTS].map(stamp);
    writeAtomically(manifest, JSON.stringify({ bundle, inputs }));
    removeStale();
    return pathToFileURL(path.join(OUT_DIR, bundle));
  } catch (err) {
    process.stderr.write(`cannot bundle ${entry} (${/** @type {Error} */ (err).message.split('\n')[0]}); running it through tsx\n`);
    return null;
  } finally {
    // Its helper process would stay for as long as this one runs.
    await esbuild?.stop();
  }
}

function removeStale() {
  const named = new Set();
  for (const f of fs.readdirSync(OUT_DIR)) {
    if (!f.endsWith('.json')) continue;
    try {
      named.add(JSON.parse(fs.readFileSync(path.join(OUT_DIR, f), 'utf8')).bundle);
    } catch {
      // Being written: its bundle is new.
    }
  }
  for (const f of fs.readdirSync(OUT_DIR)) {
    const file = path.join(OUT_DIR, f);
    try {
      if (!f.endsWith('.json') && !named.has(f) && Date.now() - fs.statSync(file).mtimeMs > STALE_AFTER_MS) fs.rmSync(file, { force: true });
    } catch {
      // Removed by another process first.
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write('usage: node lib/bundle-entry.mjs lib/…/entry.ts [args]\n');
    process.exit(2);
  }
  const source = path.resolve(entry);
  // The entry sees its own arguments where it would unbundled.
  process.argv.splice(1, 2, source);
  const file = await bundledEntry(path.relative(ROOT, source));
  if (file) await import(file.href);
  else {
    const { tsImport } = await import('tsx/esm/api');
    await tsImport(pathToFileURL(source).href, import.meta.url);
  }
}
