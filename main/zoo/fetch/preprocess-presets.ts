/**
 * The test-time preprocessing of each architecture / label set, as in the OpenMMLab configs
 * (see ../shared/reference/preprocessing.json, derived from mmpretrain@ee7f2e8):
 * - ImageNet (`_base_/datasets/imagenet_bs32.py`): ResizeEdge(short, 256, cv2) + CenterCrop 224;
 *   V1c/V1d and wide ResNets use `imagenet_bs32_pil_resize.py`: the same with the Pillow backend.
 * - CUB (`cub_bs8_448.py`): Resize(600x600, keep_ratio=False, cv2) + CenterCrop 448.
 * - CIFAR (`cifar10_bs16.py`, `cifar100_bs16.py`): no resize, 32x32 input, dataset mean/std.
 * - akamaster CIFAR ResNets: ToTensor + Normalize with the ImageNet mean/std (0-1 scale in the
 *   original code; here the same values on the 0-255 scale).
 */
import { IMAGENET_MEAN, IMAGENET_STD, type PreprocessSpec } from '../onnx/model-metadata.js';
import { isCifarArchitecture } from '../resnet/resnet-architectures.js';

/** cifar10_bs16.py data_preprocessor (0-255 scale, RGB). */
const CIFAR10_MEAN: [number, number, number] = [125.307, 122.961, 113.8575];
const CIFAR10_STD: [number, number, number] = [51.5865, 50.847, 51.255];
/** cifar100_bs16.py data_preprocessor (0-255 scale, RGB). */
const CIFAR100_MEAN: [number, number, number] = [129.304, 124.07, 112.434];
const CIFAR100_STD: [number, number, number] = [68.17, 65.392, 70.418];

function cifarPreprocess(mean: [number, number, number], std: [number, number, number]): PreprocessSpec {
  return { resize: { kind: 'none' }, crop: null, input: { width: 32, height: 32 }, mean: [...mean], std: [...std] };
}

/** Architectures whose mmpretrain configs resize with Pillow instead of cv2. */
function usesPillowResize(architecture: string): boolean {
  return /^resnetv1[cd]\d+$/.test(architecture) || architecture.startsWith('wide-resnet');
}

/** The preprocessing a model of `architecture` trained on `labelSet` expects. */
export function preprocessFor(labelSet: string, architecture: string): PreprocessSpec {
  if (architecture.startsWith('akamaster-')) return cifarPreprocess(IMAGENET_MEAN, IMAGENET_STD);
  if (isCifarArchitecture(architecture)) {
    if (labelSet === 'cifar100') return cifarPreprocess(CIFAR100_MEAN, CIFAR100_STD);
    return cifarPreprocess(CIFAR10_MEAN, CIFAR10_STD);
  }
  const backend = usesPillowResize(architecture) ? 'pillow' : 'cv2';
  if (labelSet === 'cub200') {
    return {
      resize: { kind: 'fixed', width: 600, height: 600, backend },
      crop: { width: 448, height: 448 },
      input: { width: 448, height: 448 },
      mean: [...IMAGENET_MEAN],
      std: [...IMAGENET_STD],
    };
  }
  return {
    resize: { kind: 'short-edge', size: 256, backend },
    crop: { width: 224, height: 224 },
    input: { width: 224, height: 224 },
    mean: [...IMAGENET_MEAN],
    std: [...IMAGENET_STD],
  };
}
