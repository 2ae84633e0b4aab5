/**
 * Issue 12: `classify` killed with SIGKILL at 10 seeded random moments (during start-up, the scan
 * and inference), resumed each time: the catalog passes PRAGMA integrity_check after every kill,
 * and the final results equal those of one uninterrupted run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/paths.js';
import { mulberry32 } from '../../main/util/seeded-random.js';
import { runFieldmark, spawnFieldmark } from '../helpers/cli.js';
import { buildTinyModel, makeCifarLibrary } from './faults-fixture.js';

const work = tempDir('faults-kill');
after(() => work.cleanup());

const IMAGES = 60;
const KILLS = 10;
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data') };

interface Saved {
  path: string;
  top1: number;
  probs: number[];
  feature: number[];
}

function savedResults(db: string): Saved[] {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(`SELECT i.rel_path, p.top1_index, p.topk, f.vector FROM images i JOIN predictions p ON p.image_id = i.id
        JOIN features f ON f.image_id = i.id AND f.model_id = p.model_id ORDER BY i.rel_path`)
      .all() as { rel_path: string; top1_index: number; topk: string; vector: Buffer }[];
    return rows.map((row) => ({
      path: row.rel_path,
      top1: row.top1_index,
      probs: (JSON.parse(row.topk) as number[][]).map((entry) => entry[1]!),
      feature: [
        ...new Float32Array(
          row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength),
        ),
      ],
    }));
  } finally {
    conn.close();
  }
}

function integrity(db: string): { check: unknown; images: number; predictions: number; duplicates: number } {
  // Before the first run (or a kill before the catalog was created) there is nothing to check.
  if (!existsSync(db)) return { check: 'ok', images: 0, predictions: 0, duplicates: 0 };
  const conn = new Database(db, { readonly: true });
  try {
    return {
      check: conn.pragma('integrity_check', { simple: true }),
      images: conn.prepare('SELECT COUNT(*) FROM images').pluck().get() as number,
      predictions: conn.prepare('SELECT COUNT(*) FROM predictions').pluck().get() as number,
      duplicates: conn.prepare('SELECT COUNT(*) - COUNT(DISTINCT rel_path) FROM images').pluck().get() as number,
    };
  } finally {
    conn.close();
  }
}

/** Starts classify and kills it with SIGKILL after `afterResults` result lines plus `delayMs`. */
async function killedRun(args: string[], afterResults: number, delayMs: number): Promise<'killed' | 'finished'> {
  const child = spawnFieldmark(args, env);
  let results = 0;
  let armed = false;
  const arm = () => {
    if (armed) return;
    armed = true;
    // The extra delay moves the kill off the moment right after a commit.
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  };
  if (afterResults === 0) arm();
  child.stdout!.on('data', (chunk: Buffer) => {
    results += chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => line.includes('"type":"result"')).length;
    if (results >= afterResults) arm();
  });
  const [code, signal] = (await new Promise((resolve) => child.once('close', (c, s) => resolve([c, s])))) as [
    number | null,
    NodeJS.Signals | null,
  ];
  if (signal === 'SIGKILL') return 'killed';
  assert.equal(code, 0, `classify ended with ${code} before the kill`);
  return 'finished';
}

test(`classify killed at ${KILLS} seeded random moments ends with the results of one uninterrupted run`, async () => {
  const library = join(work.path, 'photos');
  makeCifarLibrary(library, IMAGES);
  const model = join(work.path, 'tiny.onnx');
  await buildTinyModel(model, 3, env);
  const common = ['--model', model, '--json', '--batch', '2', '--threads', '1'];

  const reference = join(work.path, 'reference.db');
  const straight = await runFieldmark(['classify', library, '--db', reference, ...common], env);
  assert.equal(straight.code, 0, straight.stderr);
  const expected = savedResults(reference);
  assert.equal(expected.length, IMAGES);

  const db = join(work.path, 'killed.db');
  // Seeded, so a failing kill schedule can be replayed.
  const random = mulberry32(20261202);
  let kills = 0;
  for (let round = 0; round < KILLS; round += 1) {
    // Moments from process start-up (0 results: start-up, migration, scan) to late in the work
    // still left, which shrinks as the killed runs save their batches.
    const remaining = IMAGES - integrity(db).predictions;
    const afterResults = Math.floor(random() * remaining * 0.9);
    const delayMs = Math.floor(random() * (afterResults === 0 ? 400 : 40));
    const outcome = await killedRun(['classify', library, '--db', db, ...common], afterResults, delayMs);
    if (outcome === 'killed') kills += 1;
    const state = integrity(db);
    assert.equal(state.check, 'ok', `integrity after kill ${round} (after ${afterResults} results + ${delayMs} ms)`);
    assert.equal(state.duplicates, 0);
    assert.ok(state.predictions <= IMAGES);
  }
  assert.ok(kills >= KILLS / 2, `only ${kills} of ${KILLS} runs were killed before they finished`);

  const last = await runFieldmark(['classify', library, '--db', db, ...common], env);
  assert.equal(last.code, 0, last.stderr);
  const actual = savedResults(db);
  assert.deepEqual(
    actual.map((r) => [r.path, r.top1]),
    expected.map((r) => [r.path, r.top1]),
  );
  // Batches are composed differently after a resume; per-image results agree to float precision.
  for (let i = 0; i < IMAGES; i += 1) {
    const [a, e] = [actual[i]!, expected[i]!];
    assert.equal(a.probs.length, e.probs.length);
    a.probs.forEach((p, k) =>
      assert.ok(Math.abs(p - e.probs[k]!) < 1e-5, `${a.path} prob ${k}: ${p} vs ${e.probs[k]}`),
    );
    a.feature.forEach((v, k) => assert.ok(Math.abs(v - e.feature[k]!) < 1e-5, `${a.path} feature ${k}`));
  }
  assert.deepEqual(integrity(db), { check: 'ok', images: IMAGES, predictions: IMAGES, duplicates: 0 });
});
