/** The evaluation written as files: the confusion matrix as CSV and SVG, and a reliability diagram SVG. */
import { csvRecord } from '../export/csv.js';
import type { Evaluation } from './evaluation.js';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Header row `true\predicted,<classes>`, then one row per true class. */
export function confusionCsv(evaluation: Evaluation): string {
  const lines = [csvRecord(['true\\predicted', ...evaluation.classes])];
  evaluation.classes.forEach((label, r) => lines.push(csvRecord([label, ...evaluation.confusion[r]!.map(String)])));
  return lines.join('');
}

/** The confusion matrix as a heat map, rows normalised by their count (recall per cell). */
export function confusionSvg(evaluation: Evaluation): string {
  const n = evaluation.classes.length;
  const cell = n > 40 ? 8 : 28;
  const margin = n > 40 ? 20 : 140;
  const size = margin + n * cell + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
  ];
  parts.push(`<rect width="${size}" height="${size}" fill="white"/>`);
  evaluation.confusion.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, c) => {
      const share = total > 0 ? count / total : 0;
      const shade = Math.round(255 * (1 - share));
      parts.push(
        `<rect x="${margin + c * cell}" y="${margin + r * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#ddd">` +
          `<title>${escapeXml(`${evaluation.classes[r]} → ${evaluation.classes[c]}: ${count}`)}</title></rect>`,
      );
      if (cell >= 20 && count > 0) {
        parts.push(
          `<text x="${margin + c * cell + cell / 2}" y="${margin + r * cell + cell / 2 + 4}" text-anchor="middle" fill="${share > 0.5 ? 'white' : 'black'}">${count}</text>`,
        );
      }
    });
    if (cell >= 20)
      parts.push(
        `<text x="${margin - 4}" y="${margin + r * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(evaluation.classes[r]!)}</text>`,
      );
  });
  if (cell >= 20) {
    evaluation.classes.forEach((label, c) => {
      const x = margin + c * cell + cell / 2;
      parts.push(
        `<text x="${x}" y="${margin - 4}" transform="rotate(-60 ${x} ${margin - 4})">${escapeXml(label)}</text>`,
      );
    });
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Accuracy against confidence per bin, with the diagonal of perfect calibration. */
export function reliabilitySvg(evaluation: Evaluation): string {
  const size = 320;
  const pad = 40;
  const plot = size - 2 * pad;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
  ];
  parts.push(`<rect width="${size}" height="${size}" fill="white"/>`);
  parts.push(
    `<line x1="${pad}" y1="${pad + plot}" x2="${pad + plot}" y2="${pad}" stroke="#999" stroke-dasharray="4 3"/>`,
  );
  for (const bin of evaluation.reliability) {
    if (bin.count === 0) continue;
    const x = pad + bin.lower * plot;
    const width = (bin.upper - bin.lower) * plot;
    const height = bin.accuracy * plot;
    parts.push(
      `<rect x="${x}" y="${pad + plot - height}" width="${width}" height="${height}" fill="#4a7bd0" stroke="white"><title>${bin.count} images, confidence ${bin.confidence.toFixed(3)}, accuracy ${bin.accuracy.toFixed(3)}</title></rect>`,
    );
  }
  parts.push(`<rect x="${pad}" y="${pad}" width="${plot}" height="${plot}" fill="none" stroke="black"/>`);
  parts.push(`<text x="${size / 2}" y="${size - 8}" text-anchor="middle">confidence</text>`);
  parts.push(
    `<text x="12" y="${size / 2}" transform="rotate(-90 12 ${size / 2})" text-anchor="middle">accuracy</text>`,
  );
  parts.push(`<text x="${pad}" y="${pad - 10}">ECE ${(evaluation.ece * 100).toFixed(2)}%</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
