/** Number, size and time formatting for the UI (en-US digits, compact). */

const integer = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatPercent(prob: number, digits = 0): string {
  return `${(prob * 100).toFixed(digits)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatRate(imagesPerSecond: number): string {
  return `${imagesPerSecond >= 10 ? imagesPerSecond.toFixed(0) : imagesPerSecond.toFixed(1)} img/s`;
}

export function fileName(relPath: string): string {
  return relPath.slice(relPath.lastIndexOf('/') + 1);
}

export function folderOf(relPath: string): string {
  const at = relPath.lastIndexOf('/');
  return at < 0 ? '' : relPath.slice(0, at);
}

/** Class names use underscores in some label sets (CUB); show them as words. */
export function className(name: string): string {
  return name.replace(/_/g, ' ');
}

/**
 * The URL of an image's thumbnail or preview. Image ids restart at 1 in every library's catalog,
 * so the library goes into the URL too: otherwise the browser's cache (5 minutes) would show the
 * previous library's pictures after switching. The server ignores the query.
 */
export function renditionUrl(
  kind: 'thumb' | 'image' | 'full',
  id: number,
  catalogPath: string | undefined,
  version = '',
): string {
  let hash = 5381;
  for (const char of `${catalogPath ?? ''}|${version}`) hash = ((hash * 33) ^ char.charCodeAt(0)) >>> 0;
  return `${kind}/${id}?v=${hash.toString(36)}`;
}
