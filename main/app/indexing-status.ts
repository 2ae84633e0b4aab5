/**
 * Folds the indexing job's events into the one `IndexingStatus` the UI shows. Pure, so the
 * mapping from the engine's event stream to the contract's status is tested on its own.
 */
import type { IndexEvent } from '../engine/pipeline/events.js';
import type { IndexingStatus } from '../contract/types.js';
import { unreachable } from '../util/errors.js';

export const IDLE_STATUS: IndexingStatus = {
  state: 'idle',
  done: 0,
  toProcess: 0,
  failed: 0,
  imagesPerSecond: 0,
  etaSeconds: null,
  device: null,
  scan: null,
  message: null,
};

/** The status after `event`; returns the same object when the event does not change it. */
export function applyIndexEvent(status: IndexingStatus, event: IndexEvent): IndexingStatus {
  switch (event.type) {
    case 'scan':
      return { ...status, scan: { ...event.summary } };
    case 'started':
      return {
        ...status,
        toProcess: event.toProcess,
        done: 0,
        failed: 0,
        device: { ...event.device, notes: [...event.device.notes] },
      };
    case 'progress': {
      const { progress } = event;
      // `state` events alone move the state: the job's progress snapshot after the batch that
      // was in flight when pausing still says "running", and must not undo the pause.
      return {
        ...status,
        done: progress.done,
        toProcess: progress.toProcess,
        failed: progress.failed,
        imagesPerSecond: progress.imagesPerSecond,
        etaSeconds: progress.etaSeconds,
      };
    }
    case 'state':
      return {
        ...status,
        state: event.state,
        etaSeconds: event.state === 'running' || event.state === 'paused' ? status.etaSeconds : null,
        message: event.message ?? null,
      };
    case 'scan-problem':
    case 'predictions':
    case 'features':
    case 'image-error':
      return status;
    default:
      return unreachable(event);
  }
}

export function isTerminal(state: IndexingStatus['state']): boolean {
  return state === 'finished' || state === 'cancelled' || state === 'failed';
}
