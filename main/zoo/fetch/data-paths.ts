/**
 * Where the zoo's data files (models/registry.json, models/labels/) live. They ship beside the
 * code: from dist/main/zoo (or dist-NAME/main/zoo) the repository (or app) root is three levels up. FIELDMARK_MODELS_DIR
 * overrides it for packaged apps that place the data elsewhere.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function modelsDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.FIELDMARK_MODELS_DIR;
  if (override) return override;
  return fileURLToPath(new URL('../../../../models/', import.meta.url));
}

export function labelsFile(labelSet: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDataDir(env), 'labels', `${labelSet}.json`);
}
