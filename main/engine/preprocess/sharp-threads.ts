/**
 * One libvips thread per image: the indexing pipeline keeps two images in flight instead, which
 * was measured faster on two cores (see index-job.ts). Every front end that indexes must set it:
 * the CLI did, the app (Electron's engine process, `serve`'s AppService) did not, and on two
 * cores that cost the app about 20-30% of the CLI's speed (bench/frontends.ts, issue 13).
 */
import sharp from 'sharp';

export function useIndexingSharpThreads(): void {
  sharp.concurrency(1);
}
