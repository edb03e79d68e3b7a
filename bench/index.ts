/** `npm run bench`: the foundation's figures, measured in one run on this machine. */
import { benchPreprocessing } from './preprocess.bench';
import { benchTraining } from './training.bench';

async function main(): Promise<void> {
  await benchPreprocessing();
  console.log('');
  await benchTraining();
}

void main();
