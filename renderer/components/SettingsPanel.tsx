/** Settings: model (from the registry, or a file), device with the provider in use, batch size, threads. */
import { useEffect, useState } from 'react';
import type { DeviceChoice, Settings } from '../../main/contract/types.js';
import { useAppStore } from '../store/context.js';
import { PanelHeader } from './SidePanel.js';
import { QuantizeSection } from './QuantizeSection.js';

const DEVICES: { value: DeviceChoice; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: 'cpu', label: 'CPU' },
  { value: 'gpu', label: 'GPU' },
];

export function SettingsPanel() {
  const settings = useAppStore((s) => s.settings);
  const models = useAppStore((s) => s.models);
  const current = useAppStore((s) => s.library?.model ?? null);
  // The job reports provider "none" when it had nothing to run.
  const provider = useAppStore((s) =>
    s.indexing?.device?.provider === 'none' ? null : (s.indexing?.device?.provider ?? null),
  );
  const loadSettings = useAppStore((s) => s.loadSettings);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const [draft, setDraft] = useState<Settings | null>(settings);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  useEffect(() => setDraft(settings), [settings]);

  if (!draft || !settings) {
    return (
      <div className="panel settings-panel" data-testid="settings">
        <PanelHeader title="Settings" />
        <p className="muted">Loading…</p>
      </div>
    );
  }
  const modelOptions = [...models];
  if (current && !modelOptions.some((m) => m.id === current.id)) modelOptions.unshift(current);
  const changed = JSON.stringify(draft) !== JSON.stringify(settings);
  return (
    <form
      className="panel settings-panel"
      data-testid="settings"
      onSubmit={(event) => {
        event.preventDefault();
        const patch: Partial<Settings> = {};
        for (const key of Object.keys(draft) as (keyof Settings)[])
          if (draft[key] !== settings[key]) Object.assign(patch, { [key]: draft[key] });
        void updateSettings(patch);
      }}
    >
      <PanelHeader title="Settings" />
      <label className="field">
        <span>Model</span>
        <select
          value={draft.modelId ?? current?.id ?? ''}
          data-testid="settings-model"
          onChange={(event) => setDraft({ ...draft, modelId: event.target.value || null })}
        >
          {modelOptions.map((model) => (
            <option key={model.id} value={model.id} disabled={!model.available}>
              {model.architecture} · {model.labelSet} ({model.classCount} classes){model.trained ? '' : ' · untrained'}
              {model.int8
                ? ` · int8 (${(model.int8.top1Agreement * 100).toFixed(1)}% agreement${model.int8.speedup === null ? '' : `, ${model.int8.speedup.toFixed(1)}x faster`})`
                : ''}
              {model.available ? '' : ' · not downloaded'}
            </option>
          ))}
        </select>
        <small>Changing the model re-indexes the library with it.</small>
      </label>
      <fieldset className="field">
        <legend>Device</legend>
        <div className="segmented" role="radiogroup">
          {DEVICES.map(({ value, label }) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={draft.device === value}
              className={draft.device === value ? 'active' : ''}
              data-testid={`settings-device-${value}`}
              onClick={() => setDraft({ ...draft, device: value })}
            >
              {label}
            </button>
          ))}
        </div>
        <small data-testid="settings-provider">In use: {provider ?? 'no model run yet'}</small>
      </fieldset>
      <label className="field">
        <span>Batch size</span>
        <input
          type="number"
          min={1}
          max={256}
          value={draft.batchSize}
          data-testid="settings-batch"
          onChange={(event) =>
            setDraft({ ...draft, batchSize: clampInt(event.target.valueAsNumber, 1, 256, draft.batchSize) })
          }
        />
      </label>
      <label className="field">
        <span>Threads</span>
        <input
          type="number"
          min={1}
          max={256}
          placeholder="auto"
          value={draft.threads ?? ''}
          data-testid="settings-threads"
          onChange={(event) =>
            setDraft({
              ...draft,
              threads:
                event.target.value === '' ? null : clampInt(event.target.valueAsNumber, 1, 256, draft.threads ?? 1),
            })
          }
        />
      </label>
      <p className="hint">Device, batch size and threads apply from the next indexing run.</p>
      <div className="button-row">
        <button type="submit" disabled={!changed} data-testid="settings-save">
          Save
        </button>
        <button type="button" disabled={!changed} onClick={() => setDraft(settings)}>
          Revert
        </button>
      </div>
      <QuantizeSection />
    </form>
  );
}

function clampInt(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.max(min, Math.min(max, Math.round(value))) : fallback;
}
