/**
 * Similarity's place in the window: a small toolbar over the workspace (find similar, a photo
 * from outside the library, near-duplicates, the map) and, while one of them is open, its view
 * over the grid. The grid stays mounted underneath, so going back keeps its scroll position.
 */
import { useRef, type DragEvent } from 'react';
import { useAppStore, useStoreApi } from '../store/context.js';
import { SimilarResults } from './SimilarResults.js';
import { DuplicatesPanel } from './DuplicatesPanel.js';
import { EmbeddingMap } from './EmbeddingMap.js';

export function SimilarityLayer() {
  const view = useAppStore((s) => s.similarityView);
  return (
    <>
      {view !== 'library' && (
        <div className="similarity-layer">
          {view === 'results' ? <SimilarResults /> : view === 'duplicates' ? <DuplicatesPanel /> : <EmbeddingMap />}
        </div>
      )}
      <SimilarityToolbar />
    </>
  );
}

function SimilarityToolbar() {
  const store = useStoreApi();
  const file = useRef<HTMLInputElement>(null);
  const count = useAppStore((s) => s.selection.ids.length);
  const onDrop = (event: DragEvent) => {
    const image = [...event.dataTransfer.files].find((f) => f.type.startsWith('image/'));
    if (!image) return;
    // A photo dropped here is a query; the window's own drop handler (open a folder) must not see it.
    event.preventDefault();
    event.stopPropagation();
    void store.getState().findSimilarToFile(image, image.name);
  };
  return (
    <div
      className="similarity-toolbar"
      onDragOver={(event) => event.preventDefault()}
      onDrop={onDrop}
      title="Drop a photo here to find images like it"
    >
      <button
        type="button"
        data-testid="find-similar"
        onClick={() => void store.getState().findSimilar()}
        title="Find images like the selection, or the focused image (s)"
      >
        Find similar{count > 1 ? ` (${count})` : ''}
      </button>
      <button
        type="button"
        data-testid="similar-photo"
        onClick={() => file.current?.click()}
        title="Find images like a photo from outside the library (or paste one, or drop it here)"
      >
        Photo…
      </button>
      <input
        ref={file}
        type="file"
        accept="image/*"
        hidden
        data-testid="similar-photo-input"
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) void store.getState().findSimilarToFile(chosen, chosen.name);
          event.target.value = '';
        }}
      />
      <button
        type="button"
        data-testid="open-duplicates"
        onClick={() => void store.getState().openDuplicates()}
        title="Groups of near-identical photos"
      >
        Duplicates
      </button>
      <button
        type="button"
        data-testid="open-map"
        onClick={() => void store.getState().openMap()}
        title="Every image as a point: lasso a cluster to select it"
      >
        Map
      </button>
    </div>
  );
}
