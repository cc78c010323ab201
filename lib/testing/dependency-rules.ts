// Runs dependency-cruiser with the layering rules in .dependency-cruiser.cjs
// on a source tree and returns what breaks them, one line per violation.
// lib/layering.test.ts runs it on this repository and on a tree that breaks
// each rule on purpose.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEPENDENCY_RULES_FILE = path.join(REPO, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** The folders the rules cover. */
export const LAYERED_DIRS = ['lib', 'app', 'components'];

export interface RuleViolation {
  rule: string;
  from: string;
  to: string;
  /** For a cycle: the modules around it, starting after `from`. For a reach rule: the modules on the way. */
  path: string[];
}

interface CruiseViolation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
  via?: { name: string }[];
}

/**
 * Cruises `dirs` under `root` (which must hold a tsconfig.json, for the `@/`
 * paths) and returns the violations of the repository's rules. Throws when
 * dependency-cruiser itself fails, so that a broken config never passes.
 */
export async function checkDependencyRules(root: string, dirs: string[] = LAYERED_DIRS): Promise<RuleViolation[]> {
  const run = promisify(execFile);
  const args = [DEPCRUISE, '--config', DEPENDENCY_RULES_FILE, '--output-type', 'json', ...dirs];
  // The exit status counts the violations; only the JSON says whether the run itself worked.
  const { stdout, stderr } = await run(process.execPath, args, { cwd: root, maxBuffer: 256 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) }),
  );
  let result: { summary: { violations: CruiseViolation[] } };
  try {
    result = JSON.parse(stdout);
  } catch {
    throw new Error(`dependency-cruiser did not run: ${stderr || stdout}`);
  }
  return result.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    path: (v.cycle ?? v.via ?? []).map((step) => step.name),
  }));
}

/** One readable line per violation: `rule: from → … → to`. */
export function describeRuleViolation(v: RuleViolation): string {
  const steps = v.path.length > 0 ? [v.from, ...v.path] : [v.from, v.to];
  return `${v.rule}: ${steps.join(' → ')}`;
}
