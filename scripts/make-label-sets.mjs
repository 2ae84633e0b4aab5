#!/usr/bin/env node
/**
 * Writes the built-in label sets that ship with Fieldmark (models/labels/*.json) from the class
 * lists in ../shared/reference (see models/labels/SOURCES.md for origins and licences). Only the
 * class names and the CUB taxonomy travel: no images, no weights. Run it again after the
 * reference lists change: `node scripts/make-label-sets.mjs [referenceDir]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const referenceDir = process.argv[2] ?? join(repoRoot, '..', 'shared', 'reference');
const outDir = join(repoRoot, 'models', 'labels');

function readList(file, expectedLength) {
  const list = JSON.parse(readFileSync(join(referenceDir, file), 'utf8'));
  if (
    !Array.isArray(list) ||
    list.length !== expectedLength ||
    !list.every((name) => typeof name === 'string' && name.length > 0)
  ) {
    throw new Error(`${file}: expected ${expectedLength} non-empty names`);
  }
  return list;
}

/** One name per line for the long lists, so a diff of a future change is readable. */
function writeList(name, list) {
  const text =
    list.length <= 10
      ? `[${list.map((n) => JSON.stringify(n)).join(', ')}]\n`
      : `[\n${list.map((n) => `  ${JSON.stringify(n)}`).join(',\n')}\n]\n`;
  writeFileSync(join(outDir, `${name}.json`), text);
}

mkdirSync(outDir, { recursive: true });
writeList('cifar10', readList('cifar10_classes.json', 10));
writeList('cifar100', readList('cifar100_classes.json', 100));
// The OpenMMLab names (what converted OpenMMLab checkpoints carry), and the short common names.
writeList('imagenet1k', readList('imagenet1k_classes.json', 1000));
writeList('imagenet1k_common', readList('imagenet1k_simple_classes.json', 1000));
const cubNames = readList('cub200_classes.json', 200);
const cubIds = readList('cub200_class_ids.json', 200);
writeList('cub200', cubNames);

const taxonomy = JSON.parse(readFileSync(join(referenceDir, 'cub200_taxonomy.json'), 'utf8'));
if (!Array.isArray(taxonomy) || taxonomy.length !== 200) throw new Error('cub200_taxonomy.json: expected 200 classes');
const classes = taxonomy.map((entry, index) => {
  if (entry.index !== index || entry.name !== cubNames[index] || entry.cub_dir !== cubIds[index]) {
    throw new Error(`cub200_taxonomy.json class ${index}: does not match cub200_classes.json / cub200_class_ids.json`);
  }
  return {
    name: entry.name,
    class_id: String(entry.class_id).padStart(3, '0'),
    common_name: entry.common_name,
    scientific_name: entry.scientific_name,
    rank: entry.rank,
    genus: entry.genus,
    family: entry.family,
    order: entry.order,
  };
});
writeFileSync(join(outDir, 'cub200_taxonomy.json'), `${JSON.stringify({ labelSet: 'cub200', classes }, null, 1)}\n`);
console.log(`wrote label sets to ${outDir}`);
