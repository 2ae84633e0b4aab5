/** Paths tests need: the repository root and the read-only reference data beside it (../shared). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The repository root (tests run from their sources in test/<tier>/). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function referencePath(...parts: string[]): string {
  return join(repoRoot, '..', 'shared', 'reference', ...parts);
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `fieldmark-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
