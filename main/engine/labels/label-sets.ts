/**
 * The built-in label sets as data (models/labels/*.json, written by scripts/make-label-sets.mjs):
 * class names by set, the CUB-200-2011 taxonomy, and taxon -> species expansion for filters
 * ("every Icteridae"). Read once per process and cached; never from ../shared at run time.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { labelsFile } from '../../zoo/fetch/data-paths.js';
import { FieldmarkError, unreachable } from '../../util/errors.js';
import type { LabelRank } from './types.js';

export interface TaxonomyEntry {
  /** The class name as the label set (and its models) spell it, e.g. "Northern_Cardinal". */
  name: string;
  /** The dataset's own id, e.g. "017". */
  classId: string;
  commonName: string;
  scientificName: string;
  /** `genus` for the few CUB classes that resolve only to a genus. */
  rank: LabelRank;
  genus: string;
  family: string;
  order: string;
}

const taxonomySchema = z.object({
  labelSet: z.string(),
  classes: z.array(
    z.object({
      name: z.string().min(1),
      class_id: z.string().min(1),
      common_name: z.string().min(1),
      scientific_name: z.string().min(1),
      rank: z.enum(['species', 'genus', 'family', 'order']),
      genus: z.string().min(1),
      family: z.string().min(1),
      order: z.string().min(1),
    }),
  ),
});

/** Label sets that ship a taxonomy. */
export const TAXONOMY_LABEL_SETS: readonly string[] = ['cub200'];

const taxonomyCache = new Map<string, TaxonomyEntry[] | null>();
const namesCache = new Map<string, string[] | null>();

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new FieldmarkError(
      'Internal',
      `label set data ${file} could not be read (the installation is incomplete): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The taxonomy of a label set, one entry per class in index order; null for sets without one. */
export function taxonomyOf(labelSetName: string, env: NodeJS.ProcessEnv = process.env): TaxonomyEntry[] | null {
  if (!TAXONOMY_LABEL_SETS.includes(labelSetName)) return null;
  const cached = taxonomyCache.get(labelSetName);
  if (cached !== undefined) return cached;
  const file = labelsFile(`${labelSetName}_taxonomy`, env);
  const parsed = taxonomySchema.safeParse(readJson(file));
  if (!parsed.success)
    throw new FieldmarkError('Internal', `label set data ${file}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  const entries = parsed.data.classes.map((c) => ({
    name: c.name,
    classId: c.class_id,
    commonName: c.common_name,
    scientificName: c.scientific_name,
    rank: c.rank,
    genus: c.genus,
    family: c.family,
    order: c.order,
  }));
  taxonomyCache.set(labelSetName, entries);
  return entries;
}

/**
 * The class names under a taxon: `labelsUnder('Icteridae', 'family')` gives every blackbird and
 * oriole; a species gives itself. Case-insensitive. Empty when nothing matches.
 */
export function labelsUnder(
  taxon: string,
  rank: LabelRank,
  labelSetName = 'cub200',
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const entries = taxonomyOf(labelSetName, env) ?? [];
  const wanted = taxon.trim().toLowerCase();
  const field = (entry: TaxonomyEntry): string[] => {
    switch (rank) {
      case 'species':
        return [entry.name, entry.commonName, entry.scientificName];
      case 'genus':
        return [entry.genus];
      case 'family':
        return [entry.family];
      case 'order':
        return [entry.order];
      default:
        return unreachable(rank);
    }
  };
  return entries
    .filter((entry) => field(entry).some((value) => value.toLowerCase() === wanted))
    .map((entry) => entry.name);
}

/**
 * Every label that lies under a taxon, for the image list's `{ kind: 'is' }` filter: the taxon
 * itself (an image labelled at that rank), its species, and the coarser labels inside it (for a
 * family: its genera; for an order: its families and genera), in the label set's spelling.
 */
export function labelsWithinTaxon(
  taxon: string,
  rank: LabelRank,
  labelSetName = 'cub200',
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const species = labelsUnder(taxon, rank, labelSetName, env);
  if (rank === 'species') return species.length > 0 ? species : [taxon];
  const entries = (taxonomyOf(labelSetName, env) ?? []).filter((entry) => species.includes(entry.name));
  const inner = new Set<string>([taxon.trim(), ...species]);
  for (const entry of entries) {
    inner.add(entry.genus);
    if (rank === 'order') inner.add(entry.family);
  }
  return [...inner];
}

/** The class names of a built-in label set (models/labels/<set>.json); null when it ships none. */
export function builtInClassNames(labelSetName: string, env: NodeJS.ProcessEnv = process.env): string[] | null {
  if (!/^[a-z0-9_]+$/.test(labelSetName)) return null;
  const cached = namesCache.get(labelSetName);
  if (cached !== undefined) return cached;
  let names: string[] | null = null;
  try {
    const json = JSON.parse(readFileSync(labelsFile(labelSetName, env), 'utf8')) as unknown;
    if (Array.isArray(json) && json.every((n) => typeof n === 'string')) names = json as string[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  namesCache.set(labelSetName, names);
  return names;
}

const GENERIC_NAME = /^class \d+$/;

/**
 * A model's class names for display: generic "class N" names (an untrained or older model) are
 * replaced by its label set's real names when the set is known and the sizes agree.
 */
export function displayClassNames(
  labelSet: string,
  classNames: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (!classNames.some((name) => GENERIC_NAME.test(name))) return [...classNames];
  const names = builtInClassNames(labelSet, env);
  return names !== null && names.length === classNames.length ? names : [...classNames];
}

/** Case, `_`/space and surrounding blanks do not distinguish labels ("Northern_Cardinal" = "northern cardinal"). */
export function normalizeLabelKey(label: string): string {
  return label
    .normalize('NFC')
    .trim()
    .replace(/[_\s]+/g, ' ')
    .toLowerCase();
}
