// Vitest global setup: one migrated SQLite database that every test file
// copies (STYLE.md rule 12: real storage, no ORM mocks).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateSqlite } from '../setup/migrate';

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-test-base-'));
  const base = path.join(dir, 'base.db');
  migrateSqlite(base);
  project.provide('baseDb', base);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseDb: string;
  }
}
