import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldmarkError } from '../../main/util/errors.js';
import {
  walkLibrary,
  walkLibraryFiles,
  sniffImageFormat,
  readFileHead,
  SNIFF_BYTES,
} from '../../main/engine/scan/index.js';
import type { WalkProblem } from '../../main/engine/scan/index.js';
import { referencePath, tempDir } from '../helpers/paths.js';

const isKind = (kind: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && (pattern === undefined || pattern.test(error.message));

/** Copies by content (the reference files are read-only, the copies must not be). */
function copyPhoto(name: string, target: string): void {
  writeFileSync(target, readFileSync(referencePath('photos', name)));
}

/** A library with nesting, non-ASCII names, hidden entries, links of every kind, and a text file. */
function buildLibrary(root: string, outside: string): void {
  mkdirSync(join(root, 'Ordner äöü', '日本'), { recursive: true });
  mkdirSync(join(root, '.hidden'));
  mkdirSync(join(root, 'broken'));
  mkdirSync(join(outside, 'far'), { recursive: true });
  copyPhoto('tiny_8x8.jpg', join(root, 'a.jpg'));
  copyPhoto('tiny_1x1.png', join(root, 'Ordner äöü', '日本', 'katze.png'));
  copyPhoto('tiny_1x1.png', join(root, '.hidden', 'secret.png'));
  copyPhoto('tiny_1x1.png', join(root, '.dotfile.png'));
  for (const name of ['zero_bytes.jpg', 'not_an_image.jpg', 'coffee_truncated_60pct.jpg'])
    copyPhoto(name, join(root, 'broken', name));
  writeFileSync(join(root, 'notes.txt'), 'shopping list\n');
  copyPhoto('palette_10x10.png', join(outside, 'far', 'far.png'));
  symlinkSync('.', join(root, 'loop'));
  symlinkSync('..', join(root, 'Ordner äöü', 'up'));
  symlinkSync('Ordner äöü', join(root, 'alias'));
  symlinkSync('a.jpg', join(root, 'link-to-a.jpg'));
  symlinkSync('gone.jpg', join(root, 'dangling.jpg'));
  symlinkSync(join(outside, 'far'), join(root, 'outside'));
  symlinkSync('.hidden', join(root, 'visible-hidden'));
}

test('walkLibrary lists every regular file once, follows links, skips hidden entries and loops', async () => {
  const root = tempDir('walk-root');
  const outside = tempDir('walk-outside');
  try {
    buildLibrary(root.path, outside.path);
    const problems: WalkProblem[] = [];
    const files = await walkLibrary(root.path, (problem) => problems.push(problem));
    const paths = files.map((f) => f.relPath).sort();
    assert.deepEqual(paths, [
      'Ordner äöü/日本/katze.png',
      'a.jpg',
      'broken/coffee_truncated_60pct.jpg',
      'broken/not_an_image.jpg',
      'broken/zero_bytes.jpg',
      'link-to-a.jpg',
      'notes.txt',
      'outside/far.png', // a folder outside the library, reached through a link
      'visible-hidden/secret.png', // a hidden folder reached through a visible link
    ]);
    // The dangling link is reported, not fatal; loops and the alias of a walked folder are silent.
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.relPath, 'dangling.jpg');
    assert.equal(problems[0]?.kind, 'NotFound');
    assert.match(problems[0]?.message ?? '', /dangling\.jpg/);
    for (const file of files) {
      const info = statSync(file.absPath);
      assert.equal(file.size, info.size, file.relPath);
      assert.equal(file.mtimeMs, info.mtimeMs, file.relPath);
    }
    assert.equal(files.find((f) => f.relPath === 'broken/zero_bytes.jpg')?.size, 0);
    // Through a link to the root, the same files come out with the same relative paths.
    symlinkSync(root.path, join(outside.path, 'root-link'));
    const viaLink = await walkLibrary(join(outside.path, 'root-link'), () => undefined);
    assert.deepEqual(viaLink.map((f) => f.relPath).sort(), paths);
  } finally {
    root.cleanup();
    outside.cleanup();
  }
});

test('walkLibraryFiles streams, and a missing or non-folder root is fatal', async () => {
  const root = tempDir('walk-stream');
  try {
    copyPhoto('tiny_8x8.jpg', join(root.path, 'one.jpg'));
    const seen: string[] = [];
    for await (const file of walkLibraryFiles(root.path, () => undefined)) seen.push(file.relPath);
    assert.deepEqual(seen, ['one.jpg']);
    await assert.rejects(
      walkLibrary(join(root.path, 'nope'), () => undefined),
      isKind('NotFound', /nope/),
    );
    await assert.rejects(
      walkLibrary(join(root.path, 'one.jpg'), () => undefined),
      isKind('InvalidArgument', /expected a folder/),
    );
  } finally {
    root.cleanup();
  }
});

test('an unreadable folder is reported and the rest of the library is still listed', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('root reads every folder regardless of permissions');
    return;
  }
  const root = tempDir('walk-eacces');
  try {
    mkdirSync(join(root.path, 'locked'));
    copyPhoto('tiny_8x8.jpg', join(root.path, 'locked', 'x.jpg'));
    copyPhoto('tiny_8x8.jpg', join(root.path, 'open.jpg'));
    chmodSync(join(root.path, 'locked'), 0o000);
    const problems: WalkProblem[] = [];
    const files = await walkLibrary(root.path, (p) => problems.push(p));
    chmodSync(join(root.path, 'locked'), 0o755);
    assert.deepEqual(
      files.map((f) => f.relPath),
      ['open.jpg'],
    );
    assert.deepEqual(
      problems.map((p) => [p.relPath, p.kind]),
      [['locked', 'ReadFailed']],
    );
  } finally {
    root.cleanup();
  }
});

test('sniffImageFormat agrees with the reference photo manifest', async () => {
  const manifest = JSON.parse(readFileSync(referencePath('photos', 'manifest.json'), 'utf8')) as {
    file: string;
    format: string | null;
  }[];
  // Formats sharp does not name in the manifest, and files whose first bytes are broken on purpose.
  const expected: Record<string, string | null> = {
    'chelsea.bmp': 'bmp',
    'chelsea.heic': 'heif',
    'coffee_truncated_60pct.jpg': 'jpeg',
    'skimage_truncated.jpg': 'jpeg',
    'coffee_corrupt_header.jpg': null,
    'not_an_image.jpg': null,
    'zero_bytes.jpg': null,
  };
  assert.equal(manifest.length, readdirSync(referencePath('photos')).length - 1);
  for (const entry of manifest) {
    const head = await readFileHead(referencePath('photos', entry.file), SNIFF_BYTES);
    const want = entry.file in expected ? expected[entry.file] : entry.format;
    assert.equal(sniffImageFormat(head), want, entry.file);
  }
});
