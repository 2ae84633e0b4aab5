/**
 * Matching a model's class names to a user's labels by name. CUB classes are named like
 * "017.Cardinal": a user's "017", "Cardinal", "cardinal" and "017.Cardinal" all name it; case,
 * underscores and repeated spaces do not matter.
 */

function normalise(text: string): string {
  return text.toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Every key a name answers to: the whole name, and for "NNN.Name" the id and the name alone. */
export function nameKeys(name: string): string[] {
  const whole = normalise(name);
  const keys = [whole];
  const numbered = /^(\d+)\s*[.:)-]\s*(.+)$/.exec(whole);
  if (numbered) keys.push(numbered[1]!, String(Number(numbered[1]!)), numbered[2]!);
  else if (/^\d+$/.test(whole)) keys.push(String(Number(whole)));
  return keys;
}

/**
 * For each model class, the user label it matches (or null). A label matched by the whole name
 * wins over one matched by id or short name.
 */
export function mapModelClassesToLabels(
  classNames: readonly string[],
  userLabels: readonly string[],
): (string | null)[] {
  const exact = new Map<string, string>();
  const byKey = new Map<string, string>();
  for (const label of userLabels) {
    const keys = nameKeys(label);
    if (!exact.has(keys[0]!)) exact.set(keys[0]!, label);
    for (const key of keys) if (!byKey.has(key)) byKey.set(key, label);
  }
  return classNames.map((name) => {
    const keys = nameKeys(name);
    const whole = exact.get(keys[0]!);
    if (whole !== undefined) return whole;
    for (const key of keys) {
      const found = exact.get(key) ?? byKey.get(key);
      if (found !== undefined) return found;
    }
    return null;
  });
}

/** The model's class names in the user's vocabulary: matched ones renamed, others kept as they are. */
export function classNamesAsLabels(classNames: readonly string[], userLabels: readonly string[]): string[] {
  const mapped = mapModelClassesToLabels(classNames, userLabels);
  return classNames.map((name, i) => mapped[i] ?? name);
}
