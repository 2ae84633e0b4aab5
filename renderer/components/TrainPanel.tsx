/**
 * The learning bar: "Train from my labels" with its progress, the evaluation view's opener, and
 * label propagation with bulk accept / reject of the suggestions above a score.
 */
import { useState } from 'react';
import { useAppStore } from '../store/context.js';
import { useLearningKeys } from './use-learning-keys.js';

export function TrainPanel() {
  const training = useAppStore((s) => s.training);
  const propagation = useAppStore((s) => s.propagation);
  const startTraining = useAppStore((s) => s.startTraining);
  const cancelTraining = useAppStore((s) => s.cancelTraining);
  const openEvaluation = useAppStore((s) => s.openEvaluation);
  const openSuspects = useAppStore((s) => s.openSuspects);
  const propagate = useAppStore((s) => s.propagate);
  const review = useAppStore((s) => s.reviewSuggestions);
  const [minScore, setMinScore] = useState(0.5);
  useLearningKeys();
  const running = training?.state === 'running';
  return (
    <div className="learning-bar" data-testid="learning-bar">
      {running ? (
        <>
          <progress
            data-testid="train-progress"
            data-fraction={training.fraction.toFixed(3)}
            max={1}
            value={training.fraction}
            title={training.stage}
          />
          <button type="button" onClick={() => void cancelTraining()}>
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          data-testid="train-model"
          onClick={() => void startTraining()}
          title="Train a classifier on this model's features from your labels (key t)"
        >
          Train from my labels
        </button>
      )}
      {training?.state === 'done' && training.outcome && (
        <span data-testid="train-result" data-model={training.outcome.modelId} title={training.outcome.path}>
          {(training.outcome.cvAccuracy * 100).toFixed(1)}% cross-validated on {training.outcome.trainingLabels} labels
        </span>
      )}
      {training?.state === 'failed' && training.error && (
        <span role="alert">Training failed: {training.error.message}</span>
      )}
      <button type="button" data-testid="open-evaluation" onClick={() => void openEvaluation()}>
        Evaluation
      </button>
      <button
        type="button"
        data-testid="open-suspects"
        onClick={() => void openSuspects()}
        title="Your labels that the features disagree with, most suspect first"
      >
        Likely mistakes
      </button>
      <button
        type="button"
        data-testid="propagate"
        onClick={() => void propagate(minScore)}
        title="Suggest labels for unlabelled images from their labelled neighbours"
      >
        Propagate labels
      </button>
      <label>
        min score{' '}
        <input
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={minScore}
          style={{ width: 56 }}
          onChange={(e) => setMinScore(Number(e.target.value))}
        />
      </label>
      {propagation && (
        <>
          <span data-testid="suggestions" data-count={propagation.written}>
            {propagation.written} suggestions
          </span>
          <button type="button" data-testid="suggestion-accept" onClick={() => void review('accept', minScore)}>
            Accept
          </button>
          <button type="button" data-testid="suggestion-reject" onClick={() => void review('reject', minScore)}>
            Reject
          </button>
        </>
      )}
    </div>
  );
}
