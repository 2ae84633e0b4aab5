/**
 * The contract's labelling handlers, over the open library's label service. Kept apart from
 * app-service.ts so labelling is one file to read; the service passes its session lookup in.
 */
import type { LabelRequestResults, labelRequestSchemas } from '../contract/label-requests.js';
import type { z } from 'zod';
import type { LibrarySession } from './library-session.js';

type LabelMethod = keyof typeof labelRequestSchemas;
export type LabelHandlers = {
  [M in LabelMethod]: (
    input: z.output<(typeof labelRequestSchemas)[M]>,
  ) => LabelRequestResults[M] | Promise<LabelRequestResults[M]>;
};

export function createLabelHandlers(session: () => LibrarySession): LabelHandlers {
  const labels = () => session().labels;
  return {
    'labels.set': ({ imageIds, label, rank, source }) => labels().set(imageIds, label, rank, source),
    'labels.acceptPredictions': ({ imageIds }) => labels().acceptPredictions(imageIds),
    'labels.clear': ({ imageIds }) => labels().clear(imageIds),
    'labels.undo': () => labels().undo(),
    'labels.redo': () => labels().redo(),
    'labels.undoState': () => labels().store.undoState(),
    'labels.vocabulary': () => labels().vocabulary(),
    'labels.add': ({ label, rank }) => labels().add(label, rank),
    'labels.rename': ({ from, to }) => labels().rename(from, to),
    'labels.merge': ({ from, into }) => labels().merge(from, into),
    'labels.remove': ({ label }) => labels().remove(label),
    'labels.history': ({ imageId }) => {
      session().imageDetails(imageId); // NotFound for an image of another library
      return labels().history(imageId);
    },
    'labels.counts': () => labels().counts(session().stats().total),
    'labels.exportCsv': ({ labelsOnly }) => labels().exportCsv(labelsOnly),
    'labels.importCsv': ({ csv, dryRun }) => labels().importCsv(csv, dryRun),
    'labels.importFolders': ({ dryRun }) => labels().importFolders(dryRun),
  };
}
