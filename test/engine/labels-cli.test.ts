/** `fieldmark labels ...` and `fieldmark export` spawned as a user runs them, on a real catalog of real bird photos (ImageFolder layout). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../../main/engine/catalog/index.js';
import { jsonLines, runFieldmark } from '../helpers/cli.js';
import { referencePath, tempDir } from '../helpers/paths.js';

const work = tempDir('labels-cli');
const folder = join(work.path, 'birds');
const db = join(work.path, 'birds.sqlite');
const files: string[] = [];

/** A catalog that knows the folder's files (as `classify` would leave it, without running a model). */
function catalogFor(dbPath: string): void {
  const catalog = Catalog.open(dbPath);
  const library = catalog.ensureLibrary(realpathSync(folder));
  catalog.applyScanChanges(library, {
    added: files.map((relPath, i) => ({ relPath, size: 1 + i, mtimeMs: 1 + i, fingerprint: null })),
    touched: [],
    changed: [],
    renamed: [],
    removed: [],
  });
  catalog.close();
}

before(() => {
  const photos = readdirSync(referencePath('birds', 'images')).filter((name) => /^(001|004|095)\./.test(name));
  for (const name of photos) {
    const [dir, file] = name.split('__') as [string, string];
    mkdirSync(join(folder, dir), { recursive: true });
    copyFileSync(referencePath('birds', 'images', name), join(folder, dir, file));
    files.push(`${dir}/${file}`);
  }
  files.sort();
  catalogFor(db);
});
after(() => work.cleanup());

const labels = (...args: string[]) => runFieldmark(['labels', ...args, '--db', db]);
const listed = async () => {
  const run = await labels('list', folder, '--json');
  assert.equal(run.code, 0, run.stderr);
  return jsonLines(run.stdout);
};

test('labels set / list / undo / redo / rename / merge / clear, each one step', async () => {
  const [a, b, c] = files as [string, string, string];
  let run = await labels('set', folder, a, join(folder, b), '--label', 'Albatross');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /labelled "Albatross": 2 images changed/);
  run = await labels('set', folder, c, '--label', 'Diomedeidae', '--rank', 'family');
  assert.equal(run.code, 0, run.stderr);
  let lines = await listed();
  assert.deepEqual(
    lines.filter((l) => l.type === 'label').map((l) => [l.path, l.label, l.source, l.rank]),
    [
      [a, 'Albatross', 'manual', 'species'],
      [b, 'Albatross', 'manual', 'species'],
      [c, 'Diomedeidae', 'manual', 'family'],
    ],
  );
  assert.deepEqual(lines.at(-1)?.labelled, 3);
  assert.equal(lines.at(-1)?.total, 6);
  assert.equal(files.length, 6);
  run = await labels('undo', folder);
  assert.match(run.stdout, /undid "Label 1 image "Diomedeidae"": 1 image/);
  run = await labels('redo', folder);
  assert.match(run.stdout, /redid/);
  run = await labels('rename', folder, 'Albatross', 'Black-footed Albatross');
  assert.equal(run.code, 0, run.stderr);
  run = await labels('merge', folder, 'Diomedeidae', 'Black-footed Albatross');
  assert.equal(run.code, 0, run.stderr);
  lines = await listed();
  assert.deepEqual(lines.at(-1)?.counts, [{ label: 'Black-footed Albatross', rank: 'species', count: 3 }]);
  run = await labels('clear', folder, a, b, c);
  assert.match(run.stdout, /cleared: 3 images changed/);
  const text = await labels('list', folder);
  assert.match(text.stdout, new RegExp(`^0 of ${files.length} labelled`, 'm'));
  run = await labels('undo', folder);
  assert.equal((await listed()).at(-1)?.labelled, 3, 'undo across processes: the history lives in the catalog');
});

test('bad arguments exit 2 with a message that says what was expected', async () => {
  const cases: [string[], RegExp][] = [
    [['labels'], /expected a subcommand/],
    [['labels', 'paint', folder], /expected a subcommand \(set, clear, list/],
    [['labels', 'set', folder, files[0]!], /--label is required/],
    [['labels', 'set', folder, '--label', 'x'], /expected <folder> <path>/],
    [['labels', 'set', folder, 'nope.jpg', '--label', 'x', '--db', db], /"nope.jpg" \(not in the catalog/],
    [['labels', 'set', folder, '/etc/hosts', '--label', 'x', '--db', db], /outside the library/],
    [
      ['labels', 'set', folder, files[0]!, '--label', 'x', '--rank', 'kingdom', '--db', db],
      /--rank: expected one of species\|genus\|family\|order/,
    ],
    [['labels', 'rename', folder, 'only-one', '--db', db], /expected <folder> <old> <new>/],
    [['labels', 'merge', folder, 'Unknown', 'X', '--db', db], /expected a label of this library/],
    [['labels', 'import', folder, '--db', db], /exactly one of --csv <file> or --from-folders/],
    [['labels', 'list', folder, '--bogus', '--db', db], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const run = await runFieldmark(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
});

test('import --csv reports each bad row (exit 1) and applies the rest; a malformed file changes nothing (exit 2)', async () => {
  const before = (await listed()).at(-1)?.labelled;
  const csvFile = join(work.path, 'in.csv');
  writeFileSync(csvFile, `\uFEFFpath,label\r\n${files[3]},Oriole\r\nghost.jpg,Oriole\r\n${files[4]},\r\n`);
  let run = await labels('import', folder, '--csv', csvFile);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /row 3: unknown path "ghost.jpg"/);
  assert.match(run.stderr, /row 4: empty label/);
  assert.match(run.stdout, /labelled 1 image from 3 rows/);
  assert.equal((await listed()).at(-1)?.labelled, (before as number) + 1);
  writeFileSync(csvFile, `path,label\r\n${files[4]},"Oriole\r\n`);
  run = await labels('import', folder, '--csv', csvFile);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /CSV line 2: a quoted field is never closed/);
  assert.equal((await listed()).at(-1)?.labelled, (before as number) + 1);
});

test('export --labels-only, then import into a new catalog of the same folder, gives the same labels; --from-folders', async () => {
  const csvFile = join(work.path, 'out.csv');
  let run = await runFieldmark(['export', folder, '--csv', csvFile, '--labels-only', '--db', db]);
  assert.equal(run.code, 0, run.stderr);
  const text = readFileSync(csvFile, 'utf8');
  assert.ok(
    text.startsWith('path,label,label_source,label_rank,prediction,confidence,top_k,model,labelled_at\r\n'),
    text.slice(0, 120),
  );
  const fresh = join(work.path, 'fresh.sqlite');
  catalogFor(fresh);
  run = await runFieldmark(['labels', 'import', folder, '--csv', csvFile, '--db', fresh]);
  assert.equal(run.code, 0, run.stderr);
  const strip = (lines: Record<string, unknown>[]) =>
    lines.filter((l) => l.type === 'label').map((l) => [l.path, l.label, l.rank]);
  const again = await runFieldmark(['labels', 'list', folder, '--json', '--db', fresh]);
  assert.deepEqual(strip(jsonLines(again.stdout)), strip(await listed()));

  const third = join(work.path, 'third.sqlite');
  catalogFor(third);
  run = await runFieldmark(['labels', 'import', folder, '--from-folders', '--dry-run', '--db', third]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`would label ${files.length} images from folder names`));
  run = await runFieldmark(['labels', 'import', folder, '--from-folders', '--db', third]);
  const byFolder = jsonLines((await runFieldmark(['labels', 'list', folder, '--json', '--db', third])).stdout).at(-1);
  assert.deepEqual((byFolder!.counts as { label: string }[]).map((c) => c.label).sort(), [
    'Baltimore Oriole',
    'Black footed Albatross',
    'Groove billed Ani',
  ]);
});
