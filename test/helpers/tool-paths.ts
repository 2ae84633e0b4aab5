/**
 * External tools the tests and benchmarks use, from the environment with Debian's paths as
 * defaults (one rule for every caller): FIELDMARK_PYTHON (Pillow and PyTorch references) and
 * FIELDMARK_CHROMIUM (the end-to-end tests and the UI benchmark).
 */
export const PYTHON_PATH = process.env.FIELDMARK_PYTHON || '/usr/bin/python3';
export const CHROMIUM_PATH = process.env.FIELDMARK_CHROMIUM || '/usr/bin/chromium';
