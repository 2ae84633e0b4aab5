/**
 * Fuzzy matching for the label picker: every character of the query must appear in order in the
 * text (so "blkalb" finds "Black-footed Albatross"); matches at word starts, consecutive runs and
 * an early first match score higher. Case- and accent-insensitive. Pure, for unit tests.
 */

/** Lower case without accents, underscores read as spaces: "Northern_Cardinal" matches "northern cardinal". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1] ?? ' ';
  return !/[a-z0-9]/.test(before);
}

/**
 * The score of `query` against `text` (higher is better), or null when it does not match.
 * Both must already be folded with `foldText`.
 */
export function fuzzyScore(query: string, text: string): number | null {
  if (query.length === 0) return 0;
  if (query.length > text.length) return null;
  const exact = text.indexOf(query);
  if (exact >= 0) {
    // A plain substring beats any scattered match; a prefix or whole-word hit beats a mid-word one.
    const wordStart = isWordStart(text, exact);
    return 1000 + (text === query ? 500 : 0) + (exact === 0 ? 200 : 0) + (wordStart ? 100 : 0) - exact;
  }
  let score = 0;
  let textIndex = 0;
  let previous = -2;
  for (const char of query) {
    if (char === ' ') continue;
    const found = text.indexOf(char, textIndex);
    if (found < 0) return null;
    score += 1;
    if (found === previous + 1) score += 5;
    if (isWordStart(text, found)) score += 8;
    previous = found;
    textIndex = found + 1;
  }
  return score - Math.min(20, text.length / 10);
}

/** The best score of the query against any of the texts, or null when none matches. */
export function bestFuzzyScore(query: string, texts: readonly (string | null)[]): number | null {
  const folded = foldText(query);
  let best: number | null = null;
  for (const text of texts) {
    if (!text) continue;
    const score = fuzzyScore(folded, foldText(text));
    if (score !== null && (best === null || score > best)) best = score;
  }
  return best;
}
