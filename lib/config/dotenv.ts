// Reads ./.env when present, so operators can keep settings in a file
// (.env.example lists them). Variables already set in the environment win.
import fs from 'node:fs';

export function loadDotEnv(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
