// The file an answer thread starts from (answer-threads.ts): answer-thread.ts
// and the code of ours it imports, bundled by esbuild into one plain
// JavaScript module, the npm packages left to Node. Bundled, a thread costs
// about 24 MB; through tsx (answer-thread-boot.mjs), which compiles every
// module again inside the thread and runs its own loader thread beside it,
// about 59 MB (measured 2026-12-06 with an empty store).
//
// The bundle is built as the worker starts (a fraction of a second), so it is
// never older than the sources, and named by a hash of its code, so a worker
// started before an edit keeps the file its threads came from. esbuild's
// helper process is stopped once it is built (it stayed, holding 21 MB).
// Where it cannot be built or written, the threads run from source through tsx.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from './logger';

/** Where the bundles go: under the project, so that Node finds the npm packages they import. */
const OUT_DIR = fileURLToPath(new URL('../generated/answer-thread/', import.meta.url));
/** A bundle no worker started within this long can still be starting threads from: removed. */
const STALE_AFTER_MS = 10 * 60_000;

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
  stop(): Promise<void>;
}

export async function answerThreadEntry(log: Logger): Promise<URL> {
  let esbuild: Esbuild | undefined;
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
    const built = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./answer-thread.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = built.outputFiles[0]!.contents;
    const file = path.join(OUT_DIR, `${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(OUT_DIR, { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    }
    removeStale(file);
    return pathToFileURL(file);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot bundle the answer thread; its threads compile it through tsx');
    return new URL('./answer-thread-boot.mjs', import.meta.url);
  } finally {
    await esbuild?.stop();
  }
}

function removeStale(keep: string): void {
  for (const name of fs.readdirSync(OUT_DIR)) {
    const f = path.join(OUT_DIR, name);
    try {
      if (f !== keep && Date.now() - fs.statSync(f).mtimeMs > STALE_AFTER_MS) fs.rmSync(f, { force: true });
    } catch {
      // Another worker removed it first.
    }
  }
}
