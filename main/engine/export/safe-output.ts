/**
 * Writing a file the user named (a CSV export) without ever destroying an input: the target
 * may not be the catalog or one of its companion files (-wal, -shm, -journal), whatever path,
 * symlink or hard link names it, and the content goes to a temporary file in the same folder
 * that is fsynced and renamed into place, so a failed write leaves the old file as it was.
 */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FieldmarkError } from '../../util/errors.js';
import { temporarySibling } from '../../util/atomic-file.js';

/** The files SQLite keeps beside a catalog; writing over any of them corrupts it. */
const CATALOG_COMPANIONS = ['', '-wal', '-shm', '-journal'];

export interface SafeOutputOptions {
  /** Files that must never be written over (catalogs); their -wal/-shm/-journal are protected too. */
  protectedPaths: readonly string[];
}

/** The real path of `path`, or of its folder plus its name when it does not exist yet. */
function realTarget(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // A new file: its folder may exist (a symlinked folder resolves) or not (the write will say so).
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses an output path that names a protected file or one of its companions.
 * @throws FieldmarkError InvalidArgument naming both files.
 */
export function checkOutputPath(path: string, options: SafeOutputOptions): void {
  const target = realTarget(path);
  for (const protectedPath of options.protectedPaths) {
    const base = realTarget(protectedPath);
    for (const suffix of CATALOG_COMPANIONS) {
      const companion = `${base}${suffix}`;
      if (target === companion || sameFile(target, companion)) {
        throw new FieldmarkError(
          'InvalidArgument',
          `refusing to write ${path}: it is ${suffix === '' ? 'the catalog' : `the catalog's ${suffix} file`} ${protectedPath}; choose another output file`,
        );
      }
    }
  }
}

/**
 * Writes `content` to `path` atomically (temp file in the same folder, fsync, rename), after
 * checkOutputPath. Synchronous: the content is already in memory, and callers are CLI commands.
 * @throws FieldmarkError InvalidArgument for a protected target or a folder, WriteFailed/DiskFull when the write fails (the temp file is removed).
 */
export function writeOutputFileAtomic(path: string, content: string | Buffer, options: SafeOutputOptions): void {
  checkOutputPath(path, options);
  const target = realTarget(path);
  if (isDirectory(target))
    throw new FieldmarkError('InvalidArgument', `refusing to write ${path}: it is a folder; expected a file name`);
  const temp = temporarySibling(target);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const detail = error instanceof Error ? error.message : String(error);
    const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
    throw new FieldmarkError(
      full ? 'DiskFull' : 'WriteFailed',
      `cannot write ${path}: ${detail} (nothing was changed${full ? '; free some space and try again' : ''})`,
      {
        cause: error,
      },
    );
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
