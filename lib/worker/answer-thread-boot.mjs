// The first code an answer thread runs (answer-threads.ts starts it): the
// thread's module, answer-thread.ts, through tsx's loader. On Node 20 a worker
// thread does not get the hooks that `--import tsx` registered in the main
// thread, and this file, plain JavaScript, needs none to load.
import { tsImport } from 'tsx/esm/api';

await tsImport('./answer-thread.ts', import.meta.url);
