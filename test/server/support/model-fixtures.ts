/** Throwaway models for tests: the real architecture, untrained (valid softmax, meaningless guesses). */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { initTensorFlow } from '@live-digits/shared/tf/tf';
import { MODEL_JSON, saveModel } from '@live-digits/shared/model/model-files';
import { buildDigitNet } from '../../../training/src/model/digit-net';

export interface ThrowawayModel {
  modelId: string;
  testAccuracy: number | null;
}

/** Saves `buildDigitNet(seed)` and a hand-made metadata.json into `dir`. */
export async function saveThrowawayModel(
  dir: string,
  seed = 1,
  modelId = `throwaway-${seed}`,
  testAccuracy: number | null = null,
): Promise<ThrowawayModel> {
  await initTensorFlow();
  const model = buildDigitNet(seed);
  try {
    await saveModel(model, dir);
  } finally {
    model.dispose();
  }
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ modelId, testAccuracy }));
  return { modelId, testAccuracy };
}

/** A model folder whose model.json is cut short, as a crashed save might leave it. */
export async function saveBrokenModel(dir: string, modelId = 'broken'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MODEL_JSON), '{"modelTopology": {"class_name": "Func');
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ modelId, testAccuracy: 0.99 }));
}
