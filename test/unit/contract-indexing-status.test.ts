import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDLE_STATUS, applyIndexEvent } from '../../main/app/indexing-status.js';
import type { IndexEvent } from '../../main/engine/pipeline/events.js';
import type { IndexingStatus } from '../../main/contract/types.js';

const progress = (done: number, state: 'running' | 'paused'): IndexEvent => ({
  type: 'progress',
  progress: { done, toProcess: 10, failed: 1, imagesPerSecond: 5, etaSeconds: 2, state },
});

function fold(events: IndexEvent[]): IndexingStatus {
  return events.reduce(applyIndexEvent, { ...IDLE_STATUS, state: 'scanning' });
}

describe('indexing status from job events', () => {
  it('follows scan, start, progress and finish', () => {
    const status = fold([
      {
        type: 'scan',
        summary: { added: 10, changed: 0, touched: 0, unchanged: 0, removed: 0, returned: 0, renamed: 0, ignored: 2 },
        total: 10,
      },
      { type: 'started', toProcess: 10, total: 10, device: { provider: 'cpu', requested: 'auto', notes: ['no GPU'] } },
      { type: 'state', state: 'running' },
      progress(4, 'running'),
      progress(10, 'running'),
      { type: 'state', state: 'finished' },
    ]);
    assert.equal(status.state, 'finished');
    assert.equal(status.done, 10);
    assert.equal(status.failed, 1);
    assert.equal(status.etaSeconds, null, 'no ETA once finished');
    assert.deepEqual(status.device, { provider: 'cpu', requested: 'auto', notes: ['no GPU'] });
    assert.equal(status.scan?.ignored, 2);
  });

  it('stays paused when the batch in flight reports progress as running', () => {
    const status = fold([
      { type: 'state', state: 'running' },
      progress(3, 'running'),
      { type: 'state', state: 'paused' },
      progress(4, 'running'),
    ]);
    assert.equal(status.state, 'paused');
    assert.equal(status.done, 4);
  });

  it('keeps the failure message and ignores per-image events', () => {
    const before = fold([{ type: 'state', state: 'running' }]);
    assert.equal(applyIndexEvent(before, { type: 'predictions', items: [] }), before);
    assert.equal(
      applyIndexEvent(before, {
        type: 'image-error',
        imageId: 1,
        relPath: 'a.jpg',
        kind: 'DecodeFailed',
        message: 'bad',
      }),
      before,
    );
    const failed = applyIndexEvent(before, { type: 'state', state: 'failed', message: 'model missing' });
    assert.equal(failed.state, 'failed');
    assert.equal(failed.message, 'model missing');
  });
});
