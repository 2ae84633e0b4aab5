/**
 * Where the zoo's data files (models/registry.json, models/labels/) live. They ship beside the
 * code, in the package root's models/. FIELDMARK_MODELS_DIR
 * overrides it for packaged apps that place the data elsewhere.
 */
import { join } from 'node:path';
import { packageRoot } from '../../util/code-layout.js';

export function modelsDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.FIELDMARK_MODELS_DIR;
  if (override) return override;
  return join(packageRoot, 'models');
}

export function labelsFile(labelSet: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDataDir(env), 'labels', `${labelSet}.json`);
}
