/**
 * The training report a person opens: loss and accuracy per epoch, the test set's confusion
 * matrix, and the reliability diagram of the calibrated model, as one self-contained SVG
 * (report.png beside it is the same picture).
 */
import { CalibrationFigures, ModelMetadata } from '@live-digits/shared/model/model-metadata';

const WIDTH = 1340;
const HEIGHT = 490;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function polyline(points: Array<[number, number]>, colour: string, dashed = false): string {
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  return `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
}

/** Loss (left axis) and accuracy (right axis) against epoch. */
function curves(metadata: ModelMetadata, left: number, top: number, width: number, height: number): string {
  const history = metadata.history;
  const x = (epoch: number) => left + (history.length <= 1 ? width / 2 : ((epoch - 1) / (history.length - 1)) * width);
  const maxLoss = Math.max(...history.map((h) => h.loss)) * 1.05;
  const minLoss = Math.min(...history.map((h) => h.loss)) * 0.95;
  const yLoss = (loss: number) => top + height - ((loss - minLoss) / (maxLoss - minLoss || 1)) * height;
  const accuracies = history.flatMap((h) => [h.accuracy, h.validationAccuracy]);
  const minAccuracy = Math.min(0.98, ...accuracies);
  const yAccuracy = (a: number) => top + height - ((a - minAccuracy) / (1 - minAccuracy)) * height;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => minAccuracy + f * (1 - minAccuracy));
  return [
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#ccc"/>`,
    ...ticks.map(
      (a) =>
        `<line x1="${left}" x2="${left + width}" y1="${yAccuracy(a)}" y2="${yAccuracy(a)}" stroke="#eee"/>` +
        `<text x="${left + width + 6}" y="${yAccuracy(a) + 4}" font-size="11" fill="#555">${(a * 100).toFixed(2)}%</text>`,
    ),
    ...history.map(
      (h) => `<text x="${x(h.epoch)}" y="${top + height + 16}" font-size="11" text-anchor="middle" fill="#555">${h.epoch}</text>`,
    ),
    `<text x="${left + width / 2}" y="${top + height + 34}" font-size="12" text-anchor="middle">epoch</text>`,
    `<text x="${left - 8}" y="${yLoss(maxLoss / 1.05) + 4}" font-size="11" text-anchor="end" fill="#c0392b">${(maxLoss / 1.05).toFixed(3)}</text>`,
    `<text x="${left - 8}" y="${yLoss(minLoss / 0.95) + 4}" font-size="11" text-anchor="end" fill="#c0392b">${(minLoss / 0.95).toFixed(3)}</text>`,
    polyline(
      history.map((h) => [x(h.epoch), yLoss(h.loss)]),
      '#c0392b',
    ),
    polyline(
      history.map((h) => [x(h.epoch), yAccuracy(h.accuracy)]),
      '#2471a3',
      true,
    ),
    polyline(
      history.map((h) => [x(h.epoch), yAccuracy(h.validationAccuracy)]),
      '#2471a3',
    ),
    ...history
      .filter((h) => h.epoch === metadata.bestEpoch)
      .map((h) => `<circle cx="${x(h.epoch)}" cy="${yAccuracy(h.validationAccuracy)}" r="4" fill="#2471a3"/>`),
    `<text x="${left}" y="${top + height + 56}" font-size="12"><tspan fill="#c0392b">— training loss</tspan>  <tspan fill="#2471a3">- - training accuracy (augmented)  — validation accuracy  ● best epoch ${metadata.bestEpoch}</tspan></text>`,
  ].join('\n');
}

/** Rows are true digits, columns predictions; the diagonal is left white so errors stand out. */
function confusion(matrix: number[][], left: number, top: number, cell: number): string {
  const maxError = Math.max(1, ...matrix.flatMap((row, i) => row.filter((_, j) => j !== i)));
  const cells = matrix.flatMap((row, i) =>
    row.map((count, j) => {
      const shade = i === j ? '#ffffff' : `rgba(192, 57, 43, ${(count / maxError).toFixed(3)})`;
      const x = left + j * cell;
      const y = top + i * cell;
      return (
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${shade}" stroke="#ddd"/>` +
        (count
          ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" font-size="${i === j ? 10 : 11}" text-anchor="middle" fill="${i === j ? '#888' : '#000'}">${count}</text>`
          : '')
      );
    }),
  );
  const labels = matrix.map(
    (_, d) =>
      `<text x="${left + d * cell + cell / 2}" y="${top - 6}" font-size="12" text-anchor="middle">${d}</text>` +
      `<text x="${left - 8}" y="${top + d * cell + cell / 2 + 4}" font-size="12" text-anchor="end">${d}</text>`,
  );
  return [
    ...cells,
    ...labels,
    `<text x="${left + 5 * cell}" y="${top - 24}" font-size="12" text-anchor="middle">predicted</text>`,
    `<text x="${left - 26}" y="${top + 5 * cell}" font-size="12" text-anchor="middle" transform="rotate(-90 ${left - 26} ${top + 5 * cell})">true digit</text>`,
  ].join('\n');
}

/**
 * Reliability diagram: for each confidence bin, the share of right answers (a dot per set, its
 * area growing with the bin's size) against the bin's mean confidence. On the diagonal, "p sure"
 * means right a share p of the time; below it, over-confident.
 */
function reliability(
  sets: Array<{ name: string; colour: string; figures: CalibrationFigures }>,
  left: number,
  top: number,
  size: number,
): string {
  const x = (v: number) => left + v * size;
  const y = (v: number) => top + size - v * size;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const parts = [
    `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#ccc"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 4"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${x(t)}" y="${top + size + 16}" font-size="11" text-anchor="middle" fill="#555">${t.toFixed(1)}</text>` +
        `<text x="${left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end" fill="#555">${t.toFixed(1)}</text>`,
    ),
    `<text x="${left + size / 2}" y="${top + size + 34}" font-size="12" text-anchor="middle">confidence (top probability)</text>`,
    `<text x="${left - 34}" y="${top + size / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${left - 34} ${top + size / 2})">share right</text>`,
  ];
  sets.forEach(({ name, colour, figures }, i) => {
    const total = figures.reliability.reduce((sum, bin) => sum + bin.count, 0) || 1;
    const filled = figures.reliability.filter((bin) => bin.count > 0);
    parts.push(
      polyline(
        filled.map((bin) => [x(bin.confidence), y(bin.accuracy)]),
        colour,
      ),
    );
    for (const bin of filled) {
      parts.push(
        `<circle cx="${x(bin.confidence).toFixed(1)}" cy="${y(bin.accuracy).toFixed(1)}" r="${(2 + 6 * Math.sqrt(bin.count / total)).toFixed(1)}" fill="${colour}" fill-opacity="0.6"/>`,
      );
    }
    parts.push(
      `<text x="${left + 8}" y="${top + 18 + i * 16}" font-size="12" fill="${colour}">${escape(name)}: ECE ${(figures.ece * 100).toFixed(2)}%, median right ${figures.medianConfidenceCorrect.toFixed(3)}</text>`,
    );
  });
  return parts.join('\n');
}

export function renderTrainingReport(metadata: ModelMetadata): string {
  const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
  const summary =
    `${metadata.modelId} · test ${percent(metadata.testAccuracy)} · validation ${percent(metadata.validationAccuracy)} · ` +
    `drawn ${percent(metadata.drawnSet.accuracy)} (${metadata.drawnSet.count}) · ` +
    (metadata.stylesSet ? `styles ${percent(metadata.stylesSet.accuracy)} (${metadata.stylesSet.count}) · ` : '') +
    (metadata.calibration ? `T ${metadata.calibration.temperature.toFixed(3)} · ` : '') +
    `${metadata.parameterCount.toLocaleString('en')} parameters · ${metadata.trainingImagesPerSecond} images/s on ${metadata.backend} × ${metadata.workers} · ${Math.round(metadata.totalSeconds / 60)} min`;
  const calibration = metadata.calibration;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="28" font-size="16" font-weight="bold">live-digits training report</text>`,
    `<text x="20" y="50" font-size="12" fill="#333">${escape(summary)}</text>`,
    curves(metadata, 70, 80, 420, 320),
    `<text x="800" y="88" font-size="13" font-weight="bold" text-anchor="middle">MNIST test confusion matrix</text>`,
    confusion(metadata.confusionMatrix, 640, 130, 32),
    ...(calibration
      ? [
          `<text x="1180" y="88" font-size="13" font-weight="bold" text-anchor="middle">Reliability (calibrated, ${calibration.bins} bins)</text>`,
          reliability(
            [
              { name: 'MNIST test', colour: '#2471a3', figures: calibration.mnistTest },
              { name: 'drawn set', colour: '#c0392b', figures: calibration.drawnSet },
              { name: 'writing styles', colour: '#7d3c98', figures: calibration.stylesSet },
            ],
            1050,
            130,
            260,
          ),
        ]
      : []),
    `</svg>`,
  ].join('\n');
}
