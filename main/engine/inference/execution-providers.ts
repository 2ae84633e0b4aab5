/**
 * Which onnxruntime execution providers to try, in order, for `--device auto|cpu|gpu`.
 *
 * The prebuilt onnxruntime-node binary carries CPU everywhere, WebGPU on Windows/macOS/Linux x64,
 * DirectML on Windows and CoreML on macOS. CUDA needs extra libraries that its install script
 * fetches on Linux x64 (skipped with ONNXRUNTIME_NODE_INSTALL=skip); we look for them on disk
 * rather than letting session creation fail slowly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type DeviceRequest = 'auto' | 'cpu' | 'gpu';
export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cpu', 'gpu'];

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export interface ProviderPlan {
  /** Providers to try in order; the first whose session can be created wins. */
  candidates: ProviderName[];
  /** Why providers were left out, for the user ("cuda: libraries not installed ..."). */
  skipped: string[];
}

export interface PlatformFacts {
  platform: NodeJS.Platform;
  arch: string;
  cudaLibrariesInstalled: boolean;
  /** WebGPU is opt-in under auto on Linux: without a GPU, Dawn may pick a software adapter that is far slower than the CPU. */
  webgpuAllowedInAuto: boolean;
}

/** Plans the provider order; pure, so every platform's rule is unit-tested here. */
export function planProviders(request: DeviceRequest, facts: PlatformFacts): ProviderPlan {
  if (request === 'cpu') return { candidates: ['cpu'], skipped: [] };
  const accelerators: ProviderName[] = [];
  const skipped: string[] = [];
  const { platform, arch } = facts;
  if (platform === 'linux' && arch === 'x64') {
    if (facts.cudaLibrariesInstalled) accelerators.push('cuda');
    else
      skipped.push(
        'cuda: its libraries are not installed (npm install without ONNXRUNTIME_NODE_INSTALL=skip fetches them)',
      );
  } else {
    skipped.push(`cuda: not available for ${platform}/${arch}`);
  }
  if (platform === 'win32') accelerators.push('dml');
  else skipped.push('dml: Windows only');
  if (platform === 'darwin') accelerators.push('coreml');
  else skipped.push('coreml: macOS only');
  const webgpuBuilt = platform === 'win32' || platform === 'darwin' || (platform === 'linux' && arch === 'x64');
  if (!webgpuBuilt) skipped.push(`webgpu: not built for ${platform}/${arch}`);
  else if (request === 'gpu' || facts.webgpuAllowedInAuto) accelerators.push('webgpu');
  else skipped.push('webgpu: not tried under --device auto on Linux (set FIELDMARK_WEBGPU=1 or use --device gpu)');
  if (request === 'gpu') return { candidates: accelerators, skipped };
  return { candidates: [...accelerators, 'cpu'], skipped };
}

/** Reads the facts of this machine for planProviders. */
export function currentPlatformFacts(env: NodeJS.ProcessEnv = process.env): PlatformFacts {
  return {
    platform: process.platform,
    arch: process.arch,
    cudaLibrariesInstalled: cudaLibrariesInstalled(),
    webgpuAllowedInAuto: process.platform !== 'linux' || env.FIELDMARK_WEBGPU === '1',
  };
}

function cudaLibrariesInstalled(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  try {
    const require = createRequire(import.meta.url);
    const packageRoot = dirname(require.resolve('onnxruntime-node/package.json'));
    return existsSync(join(packageRoot, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'));
  } catch (error) {
    // A missing onnxruntime-node is reported when the session is created; here it only means "no CUDA".
    void error;
    return false;
  }
}
