/**
 * The picker's vocabulary for a library: the classes of its model's label set (for CUB with the
 * taxonomy, plus one option per genus, family and order for "back-off" labels), then the user's
 * own labels and any label in use, each with its count.
 */
import type { LabelOption, LabelVocabulary } from '../contract/label-types.js';
import { taxonomyOf } from '../engine/labels/label-sets.js';
import type { LabelRank, VocabularyEntry } from '../engine/labels/types.js';

const GENERIC_NAME = /^class \d+$/;

function plainOption(label: string, rank: LabelRank): LabelOption {
  return {
    label,
    rank,
    classId: null,
    scientificName: null,
    genus: null,
    family: null,
    order: null,
    count: 0,
    userAdded: false,
  };
}

export function buildVocabulary(
  labelSet: string | null,
  classNames: readonly string[],
  entries: readonly VocabularyEntry[],
): LabelVocabulary {
  const options = new Map<string, LabelOption>();
  const key = (label: string, rank: LabelRank) => `${rank}:${label}`;
  const taxonomy = labelSet ? taxonomyOf(labelSet) : null;
  const hierarchical = taxonomy !== null && taxonomy.length === classNames.length;
  if (hierarchical && taxonomy) {
    for (const entry of taxonomy) {
      options.set(key(entry.name, 'species'), {
        label: entry.name,
        rank: 'species',
        classId: entry.classId,
        scientificName: entry.scientificName,
        genus: entry.genus,
        family: entry.family,
        order: entry.order,
        count: 0,
        userAdded: false,
      });
      // Each taxon above the species is a choice of its own, carrying its lineage for grouping.
      const taxa: [string, LabelRank, Partial<LabelOption>][] = [
        [entry.genus, 'genus', { genus: entry.genus, family: entry.family, order: entry.order }],
        [entry.family, 'family', { family: entry.family, order: entry.order }],
        [entry.order, 'order', { order: entry.order }],
      ];
      for (const [name, rank, lineage] of taxa) {
        if (!options.has(key(name, rank))) options.set(key(name, rank), { ...plainOption(name, rank), ...lineage });
      }
    }
  } else {
    // Generic names ("class 7") of an unnamed set are no help in a picker.
    for (const name of classNames)
      if (!GENERIC_NAME.test(name)) options.set(key(name, 'species'), plainOption(name, 'species'));
  }
  for (const entry of entries) {
    const existing = options.get(key(entry.label, entry.rank));
    if (existing)
      options.set(key(entry.label, entry.rank), { ...existing, count: entry.count, userAdded: entry.userAdded });
    else
      options.set(key(entry.label, entry.rank), {
        ...plainOption(entry.label, entry.rank),
        count: entry.count,
        userAdded: entry.userAdded,
      });
  }
  return { labelSet, hierarchical, options: [...options.values()] };
}
