/**
 * Which id a converted model gets. A registry id is a promise about the weights (accuracy,
 * licence, the catalog's saved results), so only the registry's own checkpoint takes it; any other
 * checkpoint converted "like" an entry gets an id of its own, derived from its content hash, so it
 * can never take over (or be credited with) the registry model's results (issue 12, item 5).
 */
import { basename, extname } from 'node:path';
import type { RegistryEntry } from '../fetch/registry.js';

/** Hex digits of the checkpoint's SHA-256 in a custom model's id: enough to tell files apart. */
export const CUSTOM_ID_HASH_DIGITS = 12;

/** True when `sha256` is the checkpoint the registry entry names (its published hash prefix). */
export function isRegistryCheckpoint(entry: RegistryEntry, sha256: string): boolean {
  return sha256.toLowerCase().startsWith(entry.checkpoint.sha256Prefix.toLowerCase());
}

/**
 * The model id for a conversion: an explicit id wins; the registry id only for the registry's own
 * checkpoint; a plain conversion keeps the checkpoint's file stem unless that stem is a registry
 * id (a file named like a registry model is not that model); otherwise, and for every other
 * checkpoint converted "like" an entry, `<file stem>-<first 12 hex of its SHA-256>`.
 */
export function convertedModelId(options: {
  explicitId?: string;
  entry?: RegistryEntry;
  checkpointName: string;
  checkpointSha256: string;
  /** The registry entry whose id equals the file stem, if any. */
  stemEntry?: RegistryEntry;
}): string {
  if (options.explicitId) return options.explicitId;
  if (options.entry && isRegistryCheckpoint(options.entry, options.checkpointSha256)) return options.entry.id;
  const stem = basename(options.checkpointName, extname(options.checkpointName));
  const stemIsTaken =
    options.stemEntry !== undefined && !isRegistryCheckpoint(options.stemEntry, options.checkpointSha256);
  if (!options.entry && !stemIsTaken) return stem;
  return `${stem}-${options.checkpointSha256.slice(0, CUSTOM_ID_HASH_DIGITS)}`;
}
