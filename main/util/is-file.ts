import { stat } from 'node:fs/promises';

/** Whether `path` is an existing regular file; a missing path is false, any other failure throws. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
