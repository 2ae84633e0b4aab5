import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../../main/engine/catalog/index.js';
import { CRASH_BATCH, CRASH_DIM, CRASH_LIBRARY, CRASH_MODEL, fakeResult } from './catalog-crash-fixture.js';
import { tempDir } from '../helpers/paths.js';
import { tsNodeArgs } from '../helpers/cli.js';

const IMAGES = 1500;
const writerScript = fileURLToPath(new URL('./catalog-crash-writer.ts', import.meta.url));

/** Starts the writer and SIGKILLs it once it has reported `commits` commits; resolves with the count it reported. */
function runAndKill(file: string, commits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsNodeArgs(writerScript, [file]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let reported = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      reported += chunk
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('committed')).length;
      if (reported >= commits && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`writer exited with ${code ?? signal} before being killed: ${stderr}`));
    });
  });
}

/** The checks after a crash: a sound file, no duplicates, and only whole batches. */
function checkAfterCrash(file: string, reportedCommits: number): number {
  const catalog = Catalog.open(file);
  try {
    const db = catalog.connection;
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    for (const table of ['predictions', 'features']) {
      const duplicates = db
        .prepare(`SELECT image_id, model_id FROM ${table} GROUP BY image_id, model_id HAVING COUNT(*) > 1`)
        .all();
      assert.deepEqual(duplicates, [], `duplicates in ${table}`);
    }
    const library = catalog.ensureLibrary(CRASH_LIBRARY);
    const model = catalog.ensureModel(CRASH_MODEL);
    const stats = catalog.stats(library, model);
    const done = stats.ok + stats.failed;
    // Batches are whole: every processed image has its prediction and feature, or failed.
    assert.equal(stats.predicted, stats.ok);
    assert.equal(db.prepare('SELECT COUNT(*) FROM features').pluck().get(), stats.ok);
    assert.equal(
      done % CRASH_BATCH === 0 || done === IMAGES,
      true,
      `${done} images done is not a whole number of batches`,
    );
    // Everything reported as committed survived the kill (the first phase writes new batches only).
    assert.ok(
      done >= Math.min(IMAGES, reportedCommits * CRASH_BATCH),
      `${done} done but ${reportedCommits} batches were reported committed`,
    );
    // A re-run redoes exactly what is not committed.
    assert.equal(catalog.imagesToProcess(library, model).length, IMAGES - done);
    return done;
  } finally {
    catalog.close();
  }
}

test('kill -9 while writing batches: the catalog stays sound, and a re-run finishes without duplicates', async () => {
  const dir = tempDir('catalog-crash');
  try {
    const file = join(dir.path, 'crash.sqlite');
    const setup = Catalog.open(file);
    const library = setup.ensureLibrary(CRASH_LIBRARY);
    setup.ensureModel(CRASH_MODEL);
    setup.applyScanChanges(library, {
      added: Array.from({ length: IMAGES }, (_, i) => ({
        relPath: `img/${String(i).padStart(5, '0')}.jpg`,
        size: 1000 + i,
        mtimeMs: 1e12 + i,
        fingerprint: null,
      })),
      touched: [],
      changed: [],
      renamed: [],
      removed: [],
    });
    setup.close();

    let previous = 0;
    for (const commits of [4, 8]) {
      const reported = await runAndKill(file, commits);
      // The kill left a write-ahead log behind for the next opener to recover.
      assert.ok(existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0, 'expected a WAL file after the kill');
      const done = checkAfterCrash(file, reported);
      assert.ok(done > previous, 'each run made progress');
      previous = done;
    }

    // Finish the job as a re-run would.
    const catalog = Catalog.open(file);
    const model = catalog.ensureModel(CRASH_MODEL);
    for (
      let todo = catalog.imagesToProcess(library, model);
      todo.length > 0;
      todo = catalog.imagesToProcess(library, model)
    ) {
      catalog.writeResults(
        model,
        todo.slice(0, CRASH_BATCH).map((image) => fakeResult(image.id, CRASH_DIM)),
      );
    }
    const stats = catalog.stats(library, model);
    const failed = Math.floor(IMAGES / 7); // image ids run 1..IMAGES; the multiples of 7 fail
    assert.deepEqual(stats, { total: IMAGES, ok: IMAGES - failed, failed, pending: 0, predicted: IMAGES - failed });
    assert.equal(catalog.features(library, model).imageIds.length, IMAGES - failed);
    catalog.close();
  } finally {
    dir.cleanup();
  }
});
