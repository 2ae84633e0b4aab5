/**
 * The contract's similarity handlers over the open library's SimilarityService: ids become
 * tiles here, the grid's filters become an allowed-id set, and duplicates are moved to the OS
 * trash only where the transport can (the desktop app) and only when the request says the user
 * confirmed. `serve` reports and marks; it never removes a file.
 */
import type { z } from 'zod';
import type { SimilarityRequestResults, similarityRequestSchemas } from '../contract/similarity-requests.js';
import type { DuplicateGroupView, SimilarResults } from '../contract/similarity-types.js';
import type { ImageTile } from '../contract/types.js';
import type { SimilarAnswer } from '../engine/similarity/similarity-core.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import type { LibrarySession } from './library-session.js';

type SimilarityMethod = keyof typeof similarityRequestSchemas;
type Input<M extends SimilarityMethod> = z.output<(typeof similarityRequestSchemas)[M]>;
export type SimilarityHandlers = {
  [M in SimilarityMethod]: (input: Input<M>) => SimilarityRequestResults[M] | Promise<SimilarityRequestResults[M]>;
};

/** Moves files to the OS trash (Electron's shell.trashItem); absent where there is no trash to use. */
export type TrashFiles = (paths: string[]) => Promise<void>;

export function createSimilarityHandlers(session: () => LibrarySession, trashFiles?: TrashFiles): SimilarityHandlers {
  const searchOptions = (input: Input<'similar.search'> | Input<'similar.searchOutside'>) => {
    const s = session();
    const allowed =
      input.filter && Object.keys(input.filter).length > 0
        ? s.listImageIds({ ...input.filter, status: 'indexed', sort: 'name', order: 'asc' })
        : null;
    return {
      negatives: input.negatives,
      top: input.top,
      ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
      ...(allowed ? { allowedIds: allowed } : {}),
    };
  };
  return {
    'similar.search': async (input) =>
      toResults(session(), await session().similarity.search({ positives: input.positives, ...searchOptions(input) })),
    'similar.searchOutside': async (input) => {
      const vector = await session().similarity.embedOutside(Buffer.from(input.imageBase64, 'base64'));
      return toResults(
        session(),
        await session().similarity.search({ positives: [], outside: [vector], ...searchOptions(input) }),
      );
    },
    'similar.duplicates': async ({ threshold }) => {
      const s = session();
      const groups = await s.similarity.duplicates(threshold);
      return groups.flatMap((group): DuplicateGroupView[] => {
        const members = group.imageIds.flatMap((id, i) => {
          const details = tryDetails(s, id);
          if (!details) return [];
          return [
            {
              tile: tileOf(details),
              score: group.scores[i]!,
              keep: false,
              width: details.width,
              height: details.height,
              sizeBytes: details.sizeBytes,
            },
          ];
        });
        if (members.length < 2) return [];
        // The suggested keeper: most pixels, then the biggest file (the same rule as the CLI's report).
        const keeper = [...members].sort(
          (a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) || b.sizeBytes - a.sizeBytes,
        )[0]!;
        keeper.keep = true;
        return [{ minScore: group.minScore, members }];
      });
    },
    'similar.map': async ({ kind }) => {
      const s = session();
      const projection = await s.similarity.projection(kind);
      const tiles = new Map(
        s
          .listImages({ sort: 'name', order: 'asc', offset: 0, limit: Number.MAX_SAFE_INTEGER })
          .items.map((tile) => [tile.id, tile]),
      );
      const imageIds = Array.from(projection.imageIds);
      return {
        kind: projection.kind,
        imageIds,
        xy: Array.from(projection.xy, (v) => Math.round(v * 1000) / 1000),
        classIndex: imageIds.map((id) => tiles.get(id)?.top1?.index ?? -1),
        label: imageIds.map((id) => tiles.get(id)?.label?.label ?? null),
      };
    },
    'similar.status': () => session().similarity.status(),
    'duplicates.trash': async ({ imageIds }) => {
      if (!trashFiles)
        throw new FieldmarkError(
          'InvalidArgument',
          'duplicates.trash: only the desktop app moves files to the trash; here duplicates are reported and marked',
        );
      const s = session();
      const failed: { relPath: string; message: string }[] = [];
      let trashed = 0;
      for (const id of imageIds) {
        const path = s.imagePath(id);
        try {
          await trashFiles([path]);
          trashed += 1;
        } catch (error) {
          failed.push({ relPath: s.imageDetails(id).relPath, message: toErrorData(error).message });
        }
      }
      return { trashed, failed };
    },
  };
}

function tryDetails(s: LibrarySession, id: number) {
  try {
    return s.imageDetails(id);
  } catch (error) {
    // Removed from the catalog since the vectors were loaded: leave it out of the results.
    if (error instanceof FieldmarkError && error.kind === 'NotFound') return null;
    throw error;
  }
}

function tileOf(details: ReturnType<LibrarySession['imageDetails']>): ImageTile {
  return {
    id: details.id,
    relPath: details.relPath,
    status: details.status,
    top1: details.topk[0] ?? null,
    errorKind: details.error?.kind ?? null,
    label: details.label
      ? { label: details.label.label, rank: details.label.rank, source: details.label.source }
      : null,
  };
}

function toResults(s: LibrarySession, answer: SimilarAnswer): SimilarResults {
  const items = answer.neighbours.flatMap((n) => {
    const details = tryDetails(s, n.imageId);
    return details ? [{ tile: tileOf(details), score: n.score }] : [];
  });
  return { items, method: answer.method, searched: answer.searched };
}
