/**
 * What the label picker lists, in order: with an empty query, the focused image's top-5
 * predictions, then recently used labels, then the whole vocabulary (for a taxonomy, grouped
 * order → family → genus → species, each group also a choice: "back-off" to a coarser rank);
 * with a query, every option that matches fuzzily, best first. Pure, for unit tests.
 */
import type { LabelOption, LabelRank, LabelVocabulary } from '../../main/contract/label-types.js';
import type { TopClass } from '../../main/contract/types.js';
import { bestFuzzyScore } from './fuzzy.js';

export type PickerSection = 'prediction' | 'recent' | 'vocabulary' | 'new';

export interface PickerChoice {
  key: string;
  label: string;
  rank: LabelRank;
  section: PickerSection;
  /** Indentation depth in a grouped taxonomy (0 = order). */
  depth: number;
  detail: string | null;
  /** The prediction's probability, for the prediction section. */
  prob: number | null;
}

export interface RecentLabel {
  label: string;
  rank: LabelRank;
}

const RANK_DEPTH: Record<LabelRank, number> = { order: 0, family: 1, genus: 2, species: 3 };
const MAX_MATCHES = 200;

function detailOf(option: LabelOption): string | null {
  if (option.rank !== 'species') return option.rank;
  const parts = [option.classId, option.scientificName].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' · ') : null;
}

function choice(option: LabelOption, section: PickerSection, depth: number, prob: number | null = null): PickerChoice {
  return {
    key: `${section}:${option.rank}:${option.label}`,
    label: option.label,
    rank: option.rank,
    section,
    depth,
    detail: detailOf(option),
    prob,
  };
}

/** The options in taxonomic order: each order, then its families, genera and species beneath. */
export function groupedOptions(vocabulary: LabelVocabulary): LabelOption[] {
  if (!vocabulary.hierarchical) return [...vocabulary.options].sort((a, b) => a.label.localeCompare(b.label));
  const path = (option: LabelOption): string[] => {
    const lineage = [option.order ?? '', option.family ?? '', option.genus ?? ''];
    // A taxon's own row sorts before its members: its path ends where its rank does.
    const keep = RANK_DEPTH[option.rank];
    return [...lineage.slice(0, keep), option.rank === 'species' ? `~${option.label}` : option.label];
  };
  return [...vocabulary.options].sort((a, b) => {
    const pa = path(a);
    const pb = path(b);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const order = (pa[i] ?? '').localeCompare(pb[i] ?? '');
      if (order !== 0) return order;
    }
    return pa.length - pb.length;
  });
}

export function pickerChoices(
  vocabulary: LabelVocabulary,
  query: string,
  predictions: readonly TopClass[],
  recent: readonly RecentLabel[],
): PickerChoice[] {
  const trimmed = query.trim();
  const byKey = new Map(vocabulary.options.map((option) => [`${option.rank}:${option.label}`, option]));
  const optionFor = (label: string, rank: LabelRank): LabelOption =>
    byKey.get(`${rank}:${label}`) ?? {
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

  if (trimmed.length === 0) {
    const seen = new Set<string>();
    const out: PickerChoice[] = [];
    const push = (item: PickerChoice) => {
      const id = `${item.rank}:${item.label}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push(item);
    };
    for (const prediction of predictions.slice(0, 5))
      push(choice(optionFor(prediction.name, 'species'), 'prediction', 0, prediction.prob));
    for (const item of recent) push(choice(optionFor(item.label, item.rank), 'recent', 0));
    for (const option of groupedOptions(vocabulary))
      push(choice(option, 'vocabulary', vocabulary.hierarchical ? RANK_DEPTH[option.rank] : 0));
    return out;
  }

  const scored: { option: LabelOption; score: number }[] = [];
  for (const option of vocabulary.options) {
    const score = bestFuzzyScore(trimmed, [
      option.label,
      option.scientificName,
      option.genus,
      option.family,
      option.order,
      option.classId,
    ]);
    // The option's own name counts more than a match on its lineage (a genus query lists the genus first).
    const own = bestFuzzyScore(trimmed, [option.label, option.classId]);
    if (score !== null)
      scored.push({ option, score: score + (own !== null ? 50 : 0) + (option.rank === 'species' ? 0 : 5) });
  }
  scored.sort((a, b) => b.score - a.score || a.option.label.localeCompare(b.option.label));
  const matches = scored.slice(0, MAX_MATCHES).map(({ option }) => choice(option, 'vocabulary', 0));
  const exists = vocabulary.options.some((option) => option.label.toLowerCase() === trimmed.toLowerCase());
  // A label the vocabulary lacks can be created from the picker (a user's own category).
  if (!exists)
    matches.push({
      key: `new:${trimmed}`,
      label: trimmed,
      rank: 'species',
      section: 'new',
      depth: 0,
      detail: 'new label',
      prob: null,
    });
  return matches;
}
