import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressTracker } from '../../main/engine/pipeline/progress.js';
import { renderProgressLine, formatDuration } from '../../main/cli/progress-bar.js';

test('rate and ETA come from running time; paused time does not count', () => {
  const tracker = new ProgressTracker(100, 0);
  tracker.advance(10, 1, 1000);
  let snap = tracker.snapshot(1000);
  assert.equal(snap.done, 10);
  assert.equal(snap.failed, 1);
  assert.equal(snap.imagesPerSecond, 10);
  assert.equal(snap.etaSeconds, 9);
  tracker.pause(1000);
  tracker.resume(61_000); // a minute of pause
  tracker.advance(10, 0, 62_000);
  snap = tracker.snapshot(62_000);
  assert.equal(snap.imagesPerSecond, 10);
  assert.equal(tracker.overallRate(62_000), 10);
});

test('ETA is unknown before any progress and zero at the end', () => {
  const tracker = new ProgressTracker(2, 0);
  assert.equal(tracker.snapshot(0).etaSeconds, null);
  tracker.advance(2, 0, 500);
  assert.equal(tracker.snapshot(500).etaSeconds, 0);
});

test('progress line shows counts, rate, ETA and failures within the width', () => {
  const line = renderProgressLine(
    { done: 50, toProcess: 200, failed: 3, imagesPerSecond: 25.04, etaSeconds: 6, state: 'running' },
    100,
  );
  assert.match(line, /^\[#+\.+\] 50\/200 {2}25% {2}25\.0 img\/s {2}ETA 00:06 {2}3 failed$/);
  assert.ok(
    renderProgressLine({ done: 1, toProcess: 2, failed: 0, imagesPerSecond: 1, etaSeconds: 1, state: 'paused' }, 40)
      .length <= 39,
  );
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(null), '--:--');
});
