/**
 * Child process for catalog-crash.test: writes inference batches into a catalog as fast as it
 * can, printing one line after each commit, until the parent SIGKILLs it. Not a test itself.
 * Usage: node catalog-crash-writer.js <catalog file>
 */
import { writeSync } from 'node:fs';
import { Catalog } from '../../main/engine/catalog/index.js';
import type { ImageResult } from '../../main/engine/catalog/index.js';
import { CRASH_BATCH, CRASH_DIM, CRASH_LIBRARY, CRASH_MODEL, fakeResult } from './catalog-crash-fixture.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: catalog-crash-writer.js <catalog file>');
const catalog = Catalog.open(file);
const library = catalog.ensureLibrary(CRASH_LIBRARY);
const model = catalog.ensureModel(CRASH_MODEL);
let cursor = 0;
for (;;) {
  const todo = catalog.imagesToProcess(library, model);
  let batch: { id: number }[] = todo.slice(0, CRASH_BATCH);
  if (batch.length === 0) {
    // All done: keep rewriting finished batches (upserts) so the kill still lands mid-write.
    const all = catalog.listImages({ libraryId: library, modelRowId: model, status: 'ok', sort: 'name' }).items;
    batch = all.slice(cursor, cursor + CRASH_BATCH);
    cursor = cursor + CRASH_BATCH >= all.length ? 0 : cursor + CRASH_BATCH;
  }
  const results: ImageResult[] = batch.map((image) => fakeResult(image.id, CRASH_DIM));
  catalog.writeResults(model, results);
  // writeSync: process.stdout to a pipe is asynchronous and this loop never yields.
  writeSync(1, `committed ${todo.length > 0 ? 'new' : 'again'}\n`);
}
