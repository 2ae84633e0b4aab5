/**
 * Thumbnails (grid) and previews (detail panel) made by sharp and cached on disk. The cache key is
 * the file's absolute path, size and mtime, so an edited photo gets a new thumbnail and the cache
 * never needs to be invalidated by hand. EXIF orientation is applied (`rotate()`), so portrait
 * photos show upright. At most two renditions are made at once: the grid asks for dozens on a
 * scroll, and the indexing job needs the cores too.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { FieldmarkError, toErrorData } from '../util/errors.js';

export type RenditionKind = 'thumbnail' | 'preview' | 'original';

/** The URL path segment of each rendition (`thumb/<id>`, `image/<id>`, `full/<id>`), shared by `serve` and Electron's protocol. */
export const RENDITION_ROUTES: Readonly<Record<string, RenditionKind>> = {
  thumb: 'thumbnail',
  image: 'preview',
  full: 'original',
};

export interface Rendition {
  bytes: Buffer;
  contentType: string;
}

const SPECS: Record<RenditionKind, { box: number; format: 'webp' | 'jpeg'; quality: number }> = {
  thumbnail: { box: 256, format: 'webp', quality: 72 },
  preview: { box: 1600, format: 'jpeg', quality: 85 },
  // The viewer's full-size image: every pixel of the original (upright), for plumage details.
  original: { box: 16384, format: 'jpeg', quality: 92 },
};

const MAX_CONCURRENT = 2;

export class ImageRenditions {
  private readonly inFlight = new Map<string, Promise<Rendition>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  /**
   * `maxConcurrent` is asked before each rendition: the app lowers it to one while indexing runs,
   * so a grid's first screen of thumbnails does not take the cores from the job (issue 13: `serve`
   * lost half its indexing speed to a burst of 60 thumbnails on two cores).
   */
  constructor(
    private readonly cacheDir: string,
    private readonly maxConcurrent: () => number = () => MAX_CONCURRENT,
  ) {}

  /**
   * The rendition of the image at `absolutePath`, from the cache or made now.
   * @throws FieldmarkError NotFound when the file is gone, DecodeFailed when sharp cannot read it
   */
  async get(absolutePath: string, kind: RenditionKind): Promise<Rendition> {
    let info;
    try {
      info = await stat(absolutePath);
    } catch (error) {
      throw new FieldmarkError('NotFound', `image ${absolutePath} cannot be read: ${toErrorData(error).message}`);
    }
    const spec = SPECS[kind];
    const key = createHash('sha256').update(`${kind}\0${absolutePath}\0${info.size}\0${info.mtimeMs}`).digest('hex');
    const contentType = `image/${spec.format}`;
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const work = this.cachedOrMade(key, absolutePath, kind, contentType).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async cachedOrMade(
    key: string,
    absolutePath: string,
    kind: RenditionKind,
    contentType: string,
  ): Promise<Rendition> {
    const spec = SPECS[kind];
    const dir = join(this.cacheDir, `${kind}s`, key.slice(0, 2));
    const file = join(dir, `${key}.${spec.format}`);
    try {
      return { bytes: await readFile(file), contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new FieldmarkError('ReadFailed', `thumbnail cache ${file}: ${toErrorData(error).message}`);
    }
    const bytes = await this.limited(() => render(absolutePath, kind));
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, file);
    return { bytes, contentType };
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.maxConcurrent()) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

async function render(absolutePath: string, kind: RenditionKind): Promise<Buffer> {
  const spec = SPECS[kind];
  try {
    const pipeline = sharp(absolutePath, { animated: false })
      .rotate()
      .resize({ width: spec.box, height: spec.box, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#808080' });
    return spec.format === 'webp'
      ? await pipeline.webp({ quality: spec.quality }).toBuffer()
      : await pipeline.jpeg({ quality: spec.quality, mozjpeg: false }).toBuffer();
  } catch (error) {
    throw new FieldmarkError('DecodeFailed', `cannot make a ${kind} of ${absolutePath}: ${toErrorData(error).message}`);
  }
}
