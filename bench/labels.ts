/**
 * Labelling at scale (`npm run bench:labels`): a catalog of 100,000 image rows with predictions
 * of a 1000-class model, written directly (no inference), then timed: labelling 10,000 and
 * 100,000 ids as one undo step, undoing each, and a page of the grid with the `disagree` filter
 * and with the `uncertainty` sort. Baseline, measured in the same run: the same 10,000 labels
 * written row by row (read old label, upsert, append event: three statements per image) in one
 * transaction, which is what the engine did before labels v2.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Catalog, type ImageResult } from '../main/engine/catalog/index.js';
import { LabelStore } from '../main/engine/labels/label-store.js';
import { tempDir } from '../test/helpers/paths.js';
import { mulberry32 } from '../main/util/seeded-random.js';

const IMAGES = 100_000;
const CLASSES = 1000;
const BATCH = 5000;

function time<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

function main(): void {
  const dir = tempDir('bench-labels');
  const catalog = Catalog.open(join(dir.path, 'bench.sqlite'));
  try {
    const random = mulberry32(8);
    const libraryId = catalog.ensureLibrary('/bench/photos');
    const setup = time(() => {
      catalog.applyScanChanges(libraryId, {
        added: Array.from({ length: IMAGES }, (_, i) => ({
          relPath: `f${String(Math.floor(i / 1000)).padStart(3, '0')}/${String(i).padStart(6, '0')}.jpg`,
          size: 1000 + i,
          mtimeMs: 1_700_000_000_000 + i,
          fingerprint: null,
        })),
        touched: [],
        changed: [],
        renamed: [],
        removed: [],
      });
    });
    const classNames = Array.from({ length: CLASSES }, (_, i) => `class name ${i}`);
    const modelRowId = catalog.ensureModel({
      id: 'bench-model',
      fileSha256: 'e'.repeat(64),
      metadataJson: JSON.stringify({ id: 'bench-model', labelSet: 'custom', classNames }),
      classCount: CLASSES,
      featureDim: 1,
    });
    const ids = catalog.storedFiles(libraryId).map((f) => f.id);
    const top1 = new Map<number, number>();
    const write = time(() => {
      for (let start = 0; start < ids.length; start += BATCH) {
        const results: ImageResult[] = ids.slice(start, start + BATCH).map((imageId) => {
          const index = Math.floor(random() * CLASSES);
          const p1 = 0.2 + random() * 0.8;
          const p2 = random() * (1 - p1);
          top1.set(imageId, index);
          return {
            imageId,
            ok: true,
            fingerprint: imageId.toString(16).padStart(64, '0'),
            width: 10,
            height: 10,
            orientation: 1,
            format: 'jpeg',
            takenAt: null,
            camera: null,
            topk: [
              { index, prob: p1 },
              { index: (index + 1) % CLASSES, prob: p2 },
            ],
            feature: new Float32Array([1]),
          };
        });
        catalog.writeResults(modelRowId, results);
      }
    });
    console.log(`setup: ${IMAGES} image rows in ${setup.ms.toFixed(0)} ms, predictions in ${write.ms.toFixed(0)} ms`);

    const store = new LabelStore(catalog, libraryId);
    const ten = ids.slice(0, 10_000);
    // Baseline: the pre-v2 way, three statements per image in one transaction.
    const db = catalog.connection;
    const baseline = time(() => {
      const old = db.prepare('SELECT label FROM labels WHERE image_id = ?').pluck();
      const upsert =
        db.prepare(`INSERT INTO labels (image_id, label, label_source, updated_at) VALUES (?, ?, 'manual', ?)
        ON CONFLICT (image_id) DO UPDATE SET label = excluded.label, label_source = excluded.label_source, updated_at = excluded.updated_at`);
      const step = Number(
        db
          .prepare(`INSERT INTO label_steps (library_id, description, at) VALUES (?, 'baseline', ?)`)
          .run(libraryId, new Date().toISOString()).lastInsertRowid,
      );
      const event = db.prepare(
        `INSERT INTO label_events (image_id, step, old_label, new_label, rank, source, at) VALUES (?, ?, ?, ?, 'species', 'manual', ?)`,
      );
      db.transaction(() => {
        const at = new Date().toISOString();
        for (const id of ten) {
          const before = old.get(id) as string | undefined;
          upsert.run(id, 'baseline', at);
          event.run(id, step, before ?? null, 'baseline', at);
        }
      }).immediate();
    });
    store.undo(); // the baseline wrote a step: undo it, so the timed runs start from no labels
    const label10k = time(() => store.apply(ten, { label: 'Cardinal', rank: 'species' }, 'manual'));
    const undo10k = time(() => store.undo());
    const label100k = time(() =>
      store.applyEach(
        ids.map((imageId, i) => ({
          imageId,
          label: i % 2 === 0 ? classNames[top1.get(imageId)!]! : `other ${i % 50}`,
          rank: 'species' as const,
        })),
        'imported',
      ),
    );
    const base = { libraryId, modelRowId, limit: 200 };
    const disagree = time(() => catalog.listImages({ ...base, label: { kind: 'disagree' }, classNames }));
    const disagreeAgain = time(() =>
      catalog.listImages({ ...base, offset: 25_000, label: { kind: 'disagree' }, classNames }),
    );
    const disagreeIds = time(() => catalog.listImageIds({ ...base, label: { kind: 'disagree' }, classNames }));
    const uncertainty = time(() => catalog.listImages({ ...base, sort: 'uncertainty' }));
    const uncertaintyDeep = time(() => catalog.listImages({ ...base, sort: 'uncertainty', offset: 50_000 }));
    const counts = time(() => store.counts());
    const undo100k = time(() => store.undo());
    const rows: [string, number, string][] = [
      ['baseline: 10,000 labels row by row (3 statements each, one transaction)', baseline.ms, ''],
      [
        'label 10,000 ids, one step',
        label10k.ms,
        `${label10k.value.changedImageIds.length} changed; ${(baseline.ms / label10k.ms).toFixed(1)}x the baseline`,
      ],
      ['undo it', undo10k.ms, `${undo10k.value?.changedImageIds.length ?? 0} restored`],
      [
        'label 100,000 ids (per-image labels), one step',
        label100k.ms,
        `${label100k.value.changedImageIds.length} changed`,
      ],
      ['page of 200, filter disagree (with total)', disagree.ms, `total ${disagree.value.total}`],
      ['same, offset 25,000', disagreeAgain.ms, ''],
      ['all ids matching disagree (select-all)', disagreeIds.ms, `${disagreeIds.value.length} ids`],
      [
        'page of 200, sort uncertainty (with total)',
        uncertainty.ms,
        `first margin item ${uncertainty.value.items[0]?.relPath ?? '-'}`,
      ],
      ['same, offset 50,000', uncertaintyDeep.ms, ''],
      ['counts per label', counts.ms, `${counts.value.length} labels`],
      ['undo the 100,000-image step', undo100k.ms, `${undo100k.value?.changedImageIds.length ?? 0} restored`],
    ];
    console.log(`\n| what (${IMAGES.toLocaleString('en')} images) | ms | note |\n|---|---|---|`);
    for (const [what, ms, note] of rows) console.log(`| ${what} | ${ms.toFixed(0)} | ${note} |`);
  } finally {
    catalog.close();
    dir.cleanup();
  }
}

main();
