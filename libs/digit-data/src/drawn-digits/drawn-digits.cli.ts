/**
 * Writes a drawn-digit set to a folder: `<id>.png` canvases, `labels.csv` (file,label) — the
 * labelled-folder layout `evaluate --drawings DIR` reads — and `strokes.json` for tests that
 * replay the strokes as pointer events. `--styles` writes the writing-styles set instead (all the
 * styles, or the comma-separated ones named); each digit's style is in strokes.json.
 *
 *   npm run drawn-digits -- --out DIR [--count 1000] [--seed 1] [--background transparent|white] [--data MNIST_DIR] [--styles [a,b,…]]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeLabels } from '@live-digits/shared/labelled-images/labelled-folder';
import { bundledMnistDir, readMnistSplit } from '../mnist/mnist-files';
import { CANVAS_SIZE, DrawnDigit, generateDrawnDigits, renderDrawnDigit } from './drawn-digits';
import { generateStyledDigits, StyledDigit, WRITING_STYLES, WritingStyle } from './writing-styles';

interface Options {
  out: string;
  count: number;
  seed: number;
  background: 'transparent' | 'white';
  data: string;
  /** Styled digits in these writing styles; plain drawings when absent. */
  styles?: readonly WritingStyle[];
}

const USAGE = 'usage: drawn-digits --out DIR [--count N] [--seed S] [--background transparent|white] [--data MNIST_DIR] [--styles [a,b,…]]';

function parseOptions(args: string[]): Options {
  const options: Partial<Options> = { count: 1000, seed: 1, background: 'transparent' };
  const positiveInteger = (flag: string, value: string, min: number) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${flag} must be a whole number ≥ ${min}, got "${value}"`);
    return Number(value);
  };
  const styleList = (value: string): WritingStyle[] => {
    const names = value.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !(WRITING_STYLES as readonly string[]).includes(name));
    if (unknown.length) throw new Error(`--styles: unknown style ${unknown.join(', ')} (known: ${WRITING_STYLES.join(', ')})`);
    return names as WritingStyle[];
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    // The one flag that may stand alone: --styles with no list means every style.
    if (flag === '--styles') {
      const listed = value !== undefined && !value.startsWith('--');
      options.styles = listed ? styleList(value) : WRITING_STYLES;
      if (!listed) i--;
      continue;
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--out') options.out = value;
    else if (flag === '--count') options.count = positiveInteger(flag, value, 1);
    else if (flag === '--seed') options.seed = positiveInteger(flag, value, 0);
    else if (flag === '--data') options.data = value;
    else if (flag === '--background' && (value === 'transparent' || value === 'white')) options.background = value;
    else if (flag === '--background') throw new Error(`--background must be transparent or white, got "${value}"`);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!options.out) throw new Error('--out DIR is required');
  return { data: bundledMnistDir(), ...options } as Options;
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`drawn-digits: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // Training digits, not test digits: the MNIST test set stays for measuring the model on MNIST itself.
  const mnist = readMnistSplit(options.data, 'train');
  const digits: (DrawnDigit | StyledDigit)[] = options.styles
    ? generateStyledDigits(mnist, options.count, options.seed, options.styles)
    : generateDrawnDigits(mnist, options.count, options.seed);
  await mkdir(options.out, { recursive: true });

  const width = Math.max(5, String(digits.length - 1).length);
  const files = digits.map((_, index) => `${String(index).padStart(width, '0')}.png`);
  for (const [index, digit] of digits.entries()) {
    await writeFile(path.join(options.out, files[index]), await renderDrawnDigit(digit, options.background));
  }
  await writeLabels(
    options.out,
    digits.map((digit, index) => ({ file: files[index], label: digit.label })),
  );
  const strokes = {
    canvasSize: CANVAS_SIZE,
    seed: options.seed,
    mnistTrainingSet: path.relative(process.cwd(), options.data) || '.',
    digits: digits.map((digit, index) => ({ file: files[index], ...digit })),
  };
  await writeFile(path.join(options.out, 'strokes.json'), JSON.stringify(strokes));
  const kind = options.styles ? `styled drawings in ${options.styles.length} writing styles` : 'drawings';
  console.log(`drawn-digits: wrote ${digits.length} ${kind} (seed ${options.seed}, ${options.background} background) to ${options.out}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`drawn-digits: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
