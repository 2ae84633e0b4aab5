/**
 * The event-translation side of an open library: what each engine IndexEvent becomes for the
 * app's clients (contract events with top-1 names), and whether it changes the library stats.
 */
import type { AppEvent } from '../contract/events.js';
import type { TopClass } from '../contract/types.js';
import type { TopKEntry } from '../engine/catalog/types.js';
import type { IndexEvent } from '../engine/pipeline/events.js';
import { unreachable } from '../util/errors.js';
import { isTerminal } from './indexing-status.js';

export interface TranslatedIndexEvent {
  /** The contract event to emit, if any (the status itself travels through indexing-status.ts). */
  event: AppEvent | null;
  /** 'push': the stats changed (throttled); 'flush': send them now (the job ended); null: unchanged. */
  stats: 'push' | 'flush' | null;
}

export function translateIndexEvent(event: IndexEvent, named: (entry: TopKEntry) => TopClass): TranslatedIndexEvent {
  switch (event.type) {
    case 'predictions':
      return {
        event: {
          type: 'predictions',
          items: event.items.flatMap((item) =>
            item.topk[0] ? [{ imageId: item.imageId, relPath: item.relPath, top1: named(item.topk[0]) }] : [],
          ),
        },
        stats: 'push',
      };
    case 'features':
      return {
        event: { type: 'features', batch: { imageIds: event.imageIds, dim: event.dim, vectors: event.vectors } },
        stats: null,
      };
    case 'image-error':
      return {
        event: {
          type: 'image-error',
          imageId: event.imageId,
          relPath: event.relPath,
          kind: event.kind,
          message: event.message,
        },
        stats: 'push',
      };
    case 'scan':
      return { event: null, stats: 'push' };
    case 'state':
      return { event: null, stats: isTerminal(event.state) ? 'flush' : 'push' };
    case 'scan-problem':
    case 'started':
    case 'progress':
      return { event: null, stats: null };
    default:
      return unreachable(event);
  }
}
