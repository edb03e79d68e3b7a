/** Training progress on the terminal: a bar per epoch on a TTY, plain lines in logs and CI. */
import { SingleBar } from 'cli-progress';
import { EpochRecord } from '@live-digits/shared/model/model-metadata';
import { StepProgress, TrainingObserver } from '../training.service';

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

export class ConsoleTrainingObserver implements TrainingObserver {
  private bar: SingleBar | undefined;
  private epochLabel = '';
  private nextLineAt = 0;

  constructor(private readonly interactive = Boolean(process.stdout.isTTY)) {}

  log(message: string): void {
    console.log(message);
  }

  epochStart(epoch: number, epochs: number, steps: number): void {
    this.epochLabel = `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}`;
    this.nextLineAt = 0;
    if (!this.interactive) return;
    this.bar = new SingleBar({
      format: `${this.epochLabel} |{bar}| {percentage}% | loss {loss} | acc {accuracy} | {speed} img/s | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
    });
    this.bar.start(steps, 0, { loss: '-', accuracy: '-', speed: '-' });
  }

  step(progress: StepProgress): void {
    const values = { loss: progress.loss.toFixed(4), accuracy: percent(progress.accuracy), speed: Math.round(progress.imagesPerSecond) };
    if (this.bar) {
      this.bar.update(progress.step, values);
      return;
    }
    // Without a TTY, a line at every tenth of the epoch keeps logs readable.
    if (progress.step >= this.nextLineAt || progress.step === progress.steps) {
      const remainingSeconds = (progress.elapsedSeconds * (progress.steps - progress.step)) / progress.step;
      const done = String(Math.round((progress.step / progress.steps) * 100)).padStart(3);
      console.log(
        `${this.epochLabel} ${done}% | loss ${values.loss} | acc ${values.accuracy} | ${values.speed} img/s | ETA ${Math.round(remainingSeconds)}s`,
      );
      this.nextLineAt = progress.step + Math.ceil(progress.steps / 10);
    }
  }

  epochEnd(record: EpochRecord): void {
    this.bar?.stop();
    this.bar = undefined;
    console.log(
      `${this.epochLabel} done in ${record.seconds.toFixed(0)}s: loss ${record.loss.toFixed(4)}, train acc ${percent(record.accuracy)}, ` +
        `validation ${percent(record.validationAccuracy)}${record.best ? ' (best so far)' : ''}, ${record.imagesPerSecond} img/s`,
    );
  }
}
