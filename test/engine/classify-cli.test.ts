/**
 * `fieldmark classify` end to end on a messy real folder: nested and non-ASCII folders, a hidden
 * folder, a symlink loop, a text file and broken images. Real sharp, real SQLite, real onnxruntime.
 */
import { parseCsv } from '../../main/engine/export/csv.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';

const work = tempDir('classify');
const library = join(work.path, 'library');
const model = join(work.path, 'resnet18.onnx');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data'), FIELDMARK_CACHE_DIR: join(work.path, 'cache') };

const birds = readdirSync(referencePath('birds', 'images')).sort().slice(0, 6);
const goodFiles = [
  ...birds.map((name, i) => (i < 3 ? `Vögel/Seevögel/${name}` : `鳥/${name}`)),
  'photos/chelsea.png',
  'photos/chelsea.webp',
  'photos/chelsea.tif',
  'photos/animated_24frames.gif',
  'photos/png_content_with_jpg_extension.jpg',
  'photos/chelsea_exif_orientation_6.jpg',
];
const brokenFiles = [
  'photos/zero_bytes.jpg',
  'photos/not_an_image.jpg',
  'photos/coffee_truncated_60pct.jpg',
  'photos/chelsea.bmp',
];

before(async () => {
  for (const rel of [...goodFiles, ...brokenFiles]) {
    const name = rel.split('/').pop()!;
    const source = rel.startsWith('photos/') ? referencePath('photos', name) : referencePath('birds', 'images', name);
    mkdirSync(join(library, rel, '..'), { recursive: true });
    copyFileSync(source, join(library, rel));
  }
  mkdirSync(join(library, '.hidden'), { recursive: true });
  copyFileSync(referencePath('photos', 'chelsea.png'), join(library, '.hidden', 'secret.png'));
  copyFileSync(referencePath('photos', 'chelsea.png'), join(library, 'photos', '.dotfile.png'));
  writeFileSync(join(library, 'notes.txt'), 'field notes, not an image\n');
  symlinkSync('..', join(library, 'photos', 'loop')); // photos/loop -> library root: a cycle
  const built = await runFieldmark(
    ['models', 'build', '--arch', 'resnet18', '--classes', 'imagenet1k', '--seed', '3', '--out', model],
    env,
  );
  assert.equal(built.code, 0, built.stderr);
});
after(() => work.cleanup());

async function classify(extra: string[] = []) {
  const run = await runFieldmark(['classify', library, '--model', model, '--json', '--batch', '4', ...extra], env);
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
  const lines = jsonLines(run.stdout);
  return {
    results: lines.filter((l) => l.type === 'result'),
    errors: lines.filter((l) => l.type === 'error'),
    summary: lines.find((l) => l.type === 'summary')!,
  };
}

test('first run classifies every good image and reports each broken one', async () => {
  const csv = join(work.path, 'out.csv');
  const { results, errors, summary } = await classify(['--csv', csv, '--top-k', '3']);
  assert.deepEqual(results.map((r) => r.path).sort(), [...goodFiles].sort());
  assert.deepEqual(errors.map((e) => e.path).sort(), [...brokenFiles].sort());
  for (const error of errors) {
    assert.ok(
      typeof error.kind === 'string' && typeof error.message === 'string' && (error.message as string).length > 5,
      JSON.stringify(error),
    );
  }
  const byPath = new Map(errors.map((e) => [e.path, e.kind]));
  assert.equal(byPath.get('photos/zero_bytes.jpg'), 'EmptyFile');
  assert.equal(byPath.get('photos/not_an_image.jpg'), 'NotAnImage');
  assert.equal(byPath.get('photos/coffee_truncated_60pct.jpg'), 'DecodeFailed');
  assert.equal(summary.total, goodFiles.length + brokenFiles.length);
  assert.equal(summary.processed, goodFiles.length + brokenFiles.length);
  assert.equal(summary.failed, brokenFiles.length);
  assert.equal(summary.device, 'cpu');
  for (const result of results) assert.equal((result.top_k as unknown[]).length, 3);

  // Parsed as CSV: real class names hold commas ("sunglasses, dark glasses, shades"), so quoted fields.
  const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8')).records.map((record) => record.fields);
  assert.deepEqual(header, [
    'path',
    'label',
    'label_source',
    'prediction',
    'prediction_index',
    'confidence',
    'top_k',
    'model',
  ]);
  assert.equal(rows.length, goodFiles.length);
  assert.ok(
    rows.some((r) => r[0]!.startsWith('Vögel/Seevögel/')),
    'non-ASCII paths with / separators',
  );
  for (const row of rows) {
    assert.equal(row.length, 8);
    assert.deepEqual([row[1], row[2]], ['', '']);
    assert.ok(row[3]!.length > 0 && !/^class \d+$/.test(row[3]!), `a real class name: ${row[3]}`);
    assert.match(row[4]!, /^\d+$/);
    assert.match(row[5]!, /^(0\.\d{4}|1\.0000)$/);
    assert.match(row[6]!, /^(\d+:\d\.\d{4};){2}\d+:\d\.\d{4}$/);
  }
});

test('a re-run processes nothing', async () => {
  const { results, errors, summary } = await classify();
  assert.equal(results.length, 0);
  assert.equal(errors.length, 0);
  assert.equal(summary.processed, 0);
  assert.equal(summary.skipped, goodFiles.length + brokenFiles.length);
});

test('changing one file re-processes exactly that file; touching without change re-processes none', async () => {
  const changed = join(library, goodFiles[0]!);
  copyFileSync(referencePath('photos', 'coffee.png'), changed);
  const touched = join(library, goodFiles[1]!);
  const later = new Date(Date.now() + 60_000);
  utimesSync(touched, later, later);
  const { results, summary } = await classify();
  assert.deepEqual(
    results.map((r) => r.path),
    [goodFiles[0]],
  );
  assert.equal(summary.processed, 1);
});

test('--retry-failed tries the failed files again and reports them again', async () => {
  const { results, errors, summary } = await classify(['--retry-failed']);
  assert.equal(results.length, 0);
  assert.deepEqual(errors.map((e) => e.path).sort(), [...brokenFiles].sort());
  assert.equal(summary.processed, brokenFiles.length);
  assert.equal(summary.failed, brokenFiles.length);
});

test('bad arguments exit 2 with a message saying what was expected', async () => {
  const badBatch = await runFieldmark(['classify', library, '--model', model, '--batch', '0'], env);
  assert.equal(badBatch.code, 2);
  assert.match(badBatch.stderr, /--batch: expected an integer from 1 to 256, received "0"/);
  const badDevice = await runFieldmark(['classify', library, '--model', model, '--device', 'tpu'], env);
  assert.equal(badDevice.code, 2);
  assert.match(badDevice.stderr, /expected one of auto\|cpu\|gpu/);
  const noFolder = await runFieldmark(['classify', '--model', model], env);
  assert.equal(noFolder.code, 2);
  assert.match(noFolder.stderr, /expected <folder>/);
  const missing = await runFieldmark(['classify', join(work.path, 'nope'), '--model', model], env);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /does not exist/);
});
