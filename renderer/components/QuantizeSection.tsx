/** Settings → "Faster on CPU": make an int8 copy of a model, calibrated on a folder of the user's photos, with progress. */
import { useEffect, useState } from 'react';
import type { QuantizeMethod, QuantizePhaseName } from '../../main/contract/quantize-types.js';
import { useAppStore } from '../store/context.js';

const PHASES: Record<QuantizePhaseName, string> = {
  prepare: 'Reading images',
  calibrate: 'Calibrating',
  check: 'Checking against the original',
  measure: 'Measuring speed',
  write: 'Writing the model',
};

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

export function QuantizeSection() {
  const models = useAppStore((s) => s.models);
  const current = useAppStore((s) => s.library?.model ?? null);
  const root = useAppStore((s) => s.library?.root ?? '');
  const status = useAppStore((s) => s.quantize);
  const start = useAppStore((s) => s.startQuantize);
  const load = useAppStore((s) => s.loadQuantize);
  const candidates = models.filter((m) => m.available && !m.int8);
  const [modelId, setModelId] = useState<string>('');
  const [folder, setFolder] = useState<string>(root);
  const [images, setImages] = useState(300);
  const [method, setMethod] = useState<QuantizeMethod>('minmax');

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => setFolder((value) => value || root), [root]);
  const chosen = modelId || (current && !current.int8 ? current.id : (candidates[0]?.id ?? ''));
  const running = status?.state === 'running';

  return (
    <fieldset className="field quantize" data-testid="quantize">
      <legend>Faster on CPU (int8)</legend>
      <small>Makes an int8 copy of a model, calibrated on your own photos, and checks it against the original.</small>
      <label className="field">
        <span>Model</span>
        <select
          value={chosen}
          data-testid="quantize-model"
          disabled={running}
          onChange={(event) => setModelId(event.target.value)}
        >
          {candidates.map((model) => (
            <option key={model.id} value={model.id}>
              {model.id}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Calibration photos (folder)</span>
        <input
          type="text"
          value={folder}
          data-testid="quantize-folder"
          disabled={running}
          onChange={(event) => setFolder(event.target.value)}
        />
      </label>
      <label className="field">
        <span>Images</span>
        <input
          type="number"
          min={1}
          max={100000}
          value={images}
          data-testid="quantize-images"
          disabled={running}
          onChange={(event) =>
            setImages(
              Number.isFinite(event.target.valueAsNumber)
                ? Math.max(1, Math.round(event.target.valueAsNumber))
                : images,
            )
          }
        />
      </label>
      <label className="field">
        <span>Method</span>
        <select
          value={method}
          data-testid="quantize-method"
          disabled={running}
          onChange={(event) => setMethod(event.target.value as QuantizeMethod)}
        >
          <option value="minmax">min-max</option>
          <option value="percentile">percentile</option>
          <option value="entropy">entropy</option>
        </select>
      </label>
      <div className="button-row">
        <button
          type="button"
          data-testid="quantize-start"
          disabled={running || !chosen || !folder}
          onClick={() => void start({ modelId: chosen, calibrationFolder: folder, images, method })}
        >
          Make int8 model
        </button>
      </div>
      {status && status.state !== 'idle' && (
        <div className="quantize-status" data-testid="quantize-status" data-state={status.state}>
          {running && (
            <>
              <progress max={Math.max(1, status.total)} value={status.done} />
              <small>
                {status.phase ? PHASES[status.phase] : 'Starting'}{' '}
                {status.total > 0 ? `${status.done}/${status.total}` : ''}
              </small>
            </>
          )}
          {status.state === 'done' && status.outcome && (
            <small data-testid="quantize-outcome">
              {status.outcome.id}: {percent(status.outcome.top1Agreement)} top-1 agreement, mean |Δp|{' '}
              {status.outcome.meanAbsDeltaTop1.toFixed(4)}
              {status.outcome.speedup === null ? '' : `, ${status.outcome.speedup.toFixed(2)}x faster here`}. Choose it
              under Model above.
            </small>
          )}
          {status.outcome?.warning && <small className="warning">{status.outcome.warning}</small>}
          {status.state === 'failed' && status.error && (
            <small className="error" data-testid="quantize-error">
              {status.error.message}
            </small>
          )}
        </div>
      )}
    </fieldset>
  );
}
