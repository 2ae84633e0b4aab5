/**
 * Before a library is open: what Fieldmark does in three steps (open a folder, pick or download a
 * model, label), with the models that are ready marked; offline, how to get a model without a download.
 */
import { useEffect } from 'react';
import { useAppStore } from '../store/context.js';
import { OpenFolderForm } from './OpenFolder.js';

export function Welcome() {
  const rows = useAppStore((s) => s.modelRows);
  const loadModels = useAppStore((s) => s.loadModels);
  const setModelsOpen = useAppStore((s) => s.setModelsOpen);
  const connected = useAppStore((s) => s.connected);
  useEffect(() => {
    if (connected) void loadModels();
  }, [connected, loadModels]);
  const ready = rows.filter((row) => row.state === 'available');
  return (
    <div className="welcome">
      <div className="welcome-card" data-testid="welcome">
        <h1>Sort and label photos with neural networks</h1>
        <p className="muted">
          Everything runs on this machine. Your photos are never modified; results are kept in a catalog beside your
          settings.
        </p>
        <ol className="first-run-steps">
          <li data-testid="welcome-step">
            <h2>1. Open a photo folder</h2>
            <OpenFolderForm />
          </li>
          <li data-testid="welcome-step">
            <h2>2. Pick or download a model</h2>
            {ready.length > 0 ? (
              <ul className="ready-models" data-testid="ready-models">
                {ready.map((row) => (
                  <li key={row.id} data-testid="ready-model" data-id={row.id}>
                    ✓ {row.name}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted" data-testid="no-model-ready">
                No model is ready yet. Download one from the models page; offline, import a checkpoint you have (
                <code>fieldmark models import &lt;file&gt; --like &lt;id&gt;</code>) or build the test model (
                <code>fieldmark models build --arch resnet50 --classes imagenet1k --seed 1 --out test.onnx</code>), as
                the README explains.
              </p>
            )}
            <button type="button" onClick={() => setModelsOpen(true)} data-testid="open-models">
              Models…
            </button>
          </li>
          <li data-testid="welcome-step">
            <h2>3. Label</h2>
            <p className="muted">
              Tiles fill in with predictions as the folder is indexed. Accept a prediction or type a label (<kbd>l</kbd>
              ), review the least certain first, export to CSV.
            </p>
          </li>
        </ol>
      </div>
    </div>
  );
}
