import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planProviders, type PlatformFacts } from '../../main/engine/inference/execution-providers.js';

const linux: PlatformFacts = {
  platform: 'linux',
  arch: 'x64',
  cudaLibrariesInstalled: false,
  webgpuAllowedInAuto: false,
};

test('cpu request uses only the CPU provider', () => {
  assert.deepEqual(planProviders('cpu', { ...linux, cudaLibrariesInstalled: true }).candidates, ['cpu']);
});

test('auto on Linux tries CUDA first when its libraries are installed, then CPU', () => {
  assert.deepEqual(planProviders('auto', { ...linux, cudaLibrariesInstalled: true }).candidates, ['cuda', 'cpu']);
  const plan = planProviders('auto', linux);
  assert.deepEqual(plan.candidates, ['cpu']);
  assert.ok(plan.skipped.some((s) => s.startsWith('cuda: its libraries are not installed')));
  assert.ok(plan.skipped.some((s) => s.startsWith('webgpu: not tried under --device auto')));
});

test('auto on Windows tries DirectML then WebGPU then CPU; macOS CoreML then WebGPU', () => {
  const windows = planProviders('auto', {
    platform: 'win32',
    arch: 'x64',
    cudaLibrariesInstalled: false,
    webgpuAllowedInAuto: true,
  });
  assert.deepEqual(windows.candidates, ['dml', 'webgpu', 'cpu']);
  const mac = planProviders('auto', {
    platform: 'darwin',
    arch: 'arm64',
    cudaLibrariesInstalled: false,
    webgpuAllowedInAuto: true,
  });
  assert.deepEqual(mac.candidates, ['coreml', 'webgpu', 'cpu']);
});

test('gpu request never falls back to CPU', () => {
  assert.deepEqual(planProviders('gpu', linux).candidates, ['webgpu']);
  assert.deepEqual(
    planProviders('gpu', {
      platform: 'linux',
      arch: 'arm64',
      cudaLibrariesInstalled: false,
      webgpuAllowedInAuto: false,
    }).candidates,
    [],
  );
});
