/**
 * A temporary photo library for the similarity tests: distinct real photos from
 * ../shared/reference/imagenet_samples, plus planted near-duplicates of a few of them made with
 * sharp (resized to half, recompressed at JPEG quality 35, cropped by 4% on each side).
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { referencePath } from '../helpers/paths.js';

export interface PlantedLibrary {
  folder: string;
  /** The distinct originals, by file name. */
  originals: string[];
  /** Original file name -> its planted copies' file names. */
  copies: Map<string, string[]>;
}

/** Copies `count` distinct photos (every `stride`-th sample) and plants three copies of each of the first `planted`. */
export async function makePlantedLibrary(folder: string, count = 24, planted = 3): Promise<PlantedLibrary> {
  mkdirSync(folder, { recursive: true });
  const samples = readdirSync(referencePath('imagenet_samples', 'images'))
    .filter((n) => n.endsWith('.JPEG'))
    .sort();
  const stride = Math.max(1, Math.floor(samples.length / count));
  const originals = samples.filter((_, i) => i % stride === 0).slice(0, count);
  const copies = new Map<string, string[]>();
  for (const [i, name] of originals.entries()) {
    const source = referencePath('imagenet_samples', 'images', name);
    copyFileSync(source, join(folder, name));
    if (i >= planted) continue;
    const stem = name.replace(/\.JPEG$/, '');
    const meta = await sharp(source).metadata();
    const w = meta.width!;
    const h = meta.height!;
    const made = [`${stem}-half.jpg`, `${stem}-q35.jpg`, `${stem}-crop.png`];
    await sharp(source)
      .resize(Math.round(w / 2), Math.round(h / 2))
      .jpeg({ quality: 90 })
      .toFile(join(folder, made[0]!));
    await sharp(source).jpeg({ quality: 35 }).toFile(join(folder, made[1]!));
    const dx = Math.round(w * 0.04);
    const dy = Math.round(h * 0.04);
    await sharp(source)
      .extract({ left: dx, top: dy, width: w - 2 * dx, height: h - 2 * dy })
      .png()
      .toFile(join(folder, made[2]!));
    copies.set(name, made);
  }
  return { folder, originals, copies };
}
