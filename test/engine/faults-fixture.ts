/** Shared set-up of the fault tests (issue 12): a library of small real JPEGs and a tiny real model. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath } from '../helpers/paths.js';
import { runFieldmark } from '../helpers/cli.js';

let cifarNames: string[] | undefined;

/** Copies CIFAR-10 test JPEGs number offset..offset+count-1 (32x32, real photos) into `folder`. */
export function makeCifarLibrary(folder: string, count: number, offset = 0): string[] {
  cifarNames ??= readdirSync(referencePath('cifar10_test', 'jpg')).sort();
  mkdirSync(folder, { recursive: true });
  const names: string[] = [];
  for (let i = offset; i < offset + count; i += 1) {
    const source = cifarNames[i];
    assert.ok(source, `no CIFAR-10 reference file number ${i}`);
    const name = `${String(i).padStart(5, '0')}.jpg`;
    copyFileSync(referencePath('cifar10_test', 'jpg', source), join(folder, name));
    names.push(name);
  }
  return names;
}

/** Builds the tiny akamaster ResNet-20 (CIFAR-10, seeded untrained weights) at `out`. */
export async function buildTinyModel(out: string, seed = 1, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const built = await runFieldmark(
    ['models', 'build', '--arch', 'akamaster-resnet20', '--classes', 'cifar10', '--seed', String(seed), '--out', out],
    env,
  );
  assert.equal(built.code, 0, built.stderr);
}
